package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.topics.Topics;
import org.securemail.dns.client.LocalDnsCache;
import org.securemail.ingest.support.FakeDnsBean;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * Refusal at the end of DATA (issue 14 item 7): only when every recipient domain rejects and the deciding answer is
 * already in the local cache; otherwise the message is queued and the stage decides after the 250.
 */
@QuarkusTest
class SessionRejectionTest extends ProvisionedIngressTestBase {

    private static final String STRICT = "session-strict.example";
    private static final String TAGGING = "session-tag.example";

    @Inject
    LocalDnsCache cache;

    @BeforeEach
    void domains() throws Exception {
        if (state.domain(STRICT).isEmpty()) {
            Fixtures.send(broker, JSON, Topics.PROVISIONING_DOMAINS, STRICT, new DomainRecord(STRICT, "t1", true,
                    List.of(), false, 0, false, new DomainPolicy("reject", "tag", List.of()), 1));
            Fixtures.send(broker, JSON, Topics.PROVISIONING_DOMAINS, TAGGING, new DomainRecord(TAGGING, "t1", true,
                    List.of(), false, 0, false, new DomainPolicy("tag", "tag", List.of()), 1));
            await().atMost(Duration.ofSeconds(30)).until(() -> state.domain(STRICT).isPresent()
                    && state.domain(TAGGING).isPresent());
        }
    }

    private void cacheSpf(String domain, String record) {
        long now = System.currentTimeMillis();
        cache.apply(DnsCacheEntry.key(DnsType.TXT, domain), new DnsCacheEntry(domain, DnsType.TXT, DnsStatus.ANSWER,
                List.of(new DnsRecordData(domain, DnsType.TXT, 300, record)), now, now + 300_000, now + 86_400_000, 0,
                0, null));
    }

    private static String send(String from, List<String> to) throws Exception {
        try (RawSmtpClient smtp = new RawSmtpClient(mx())) {
            smtp.greetAndEhlo();
            assertThat(smtp.command("MAIL FROM:<" + from + ">")).startsWith("250");
            for (String rcpt : to) {
                assertThat(smtp.command("RCPT TO:<" + rcpt + ">")).startsWith("250");
            }
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send("From: <" + from + ">\r\nSubject: session\r\n\r\nhello\r\n.\r\n");
            return smtp.reply();
        }
    }

    @Test
    void aCachedSpfFailUnderARejectPolicyIsRefusedInTheSessionAndNeverQueued() throws Exception {
        cacheSpf("cached-forger.example", "v=spf1 -all");
        String reply = send("ceo@cached-forger.example", List.of("cfo@" + STRICT));
        assertThat(reply).startsWith("550 5.7.23 ");
        assertThat(broker.readToEnd(Topics.MAIL_ACCEPTED))
                .noneMatch(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)
                        .contains("From: <ceo@cached-forger.example>"));
    }

    @Test
    void anAnswerNotYetCachedNeverMakesTheSessionWaitAndTheStageDecides() throws Exception {
        FakeDnsBean.FAKE.answer("uncached-forger.example", DnsType.TXT, "v=spf1 -all");
        String reply = send("ceo@uncached-forger.example", List.of("cfo@" + STRICT));
        assertThat(reply).startsWith("250 2.0.0");
        assertThat(Fixtures.find(broker, Topics.MAIL_QUARANTINE, Fixtures.queueId(reply), Duration.ofSeconds(60)))
                .isPresent();
    }

    @Test
    void aDomainThatDoesNotRejectTakesTheMessageForAllItsRecipients() throws Exception {
        cacheSpf("cached-forger2.example", "v=spf1 -all");
        assertThat(send("ceo@cached-forger2.example", List.of("cfo@" + STRICT, "ops@" + TAGGING)))
                .startsWith("250 2.0.0");
        assertThat(send("ceo@cached-forger2.example", List.of("ops@" + TAGGING))).startsWith("250 2.0.0");
    }
}
