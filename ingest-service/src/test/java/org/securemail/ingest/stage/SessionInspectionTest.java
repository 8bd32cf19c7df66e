package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.InspectionSummary;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.topics.Topics;
import org.securemail.dns.client.LocalDnsCache;
import org.securemail.ingest.support.FakeDnsBean;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * The end of DATA on cached answers: a refusal (issue 14 item 7) only when every recipient domain rejects and the
 * deciding answer is already in the local cache; a verdict to deliver (ADR 0077) only when every check has its final
 * result there; otherwise the message is queued and the stage decides after the 250.
 */
@QuarkusTest
class SessionInspectionTest extends ProvisionedIngressTestBase {

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

    @Test
    void aMessageWhoseChecksAreAllCachedIsInspectedInTheSessionAndSkipsTheStage() throws Exception {
        String sender = "verdict-sender.example";
        FakeDnsBean.FAKE.answer(sender, DnsType.TXT, "v=spf1 ip4:127.0.0.1 -all");
        FakeDnsBean.GIVEN.clear();
        // the first message: nothing cached, so the stage inspects it (one pass) and its lookups are answered
        String first = send("news@" + sender, List.of("ops@" + TAGGING));
        assertThat(first).startsWith("250 2.0.0");
        ConsumerRecord<String, byte[]> staged = Fixtures.find(broker, Topics.MAIL_READY, Fixtures.queueId(first),
                Duration.ofSeconds(60)).orElseThrow();
        assertThat(summary(staged).passes()).isEqualTo(1);
        // what the stage looked up, now in this replica's cache as the shared cache would bring it
        long now = System.currentTimeMillis();
        for (DnsAnswer a : FakeDnsBean.GIVEN) {
            cache.apply(DnsCacheEntry.key(a.type(), a.name()), new DnsCacheEntry(a.name(), a.type(), a.status(),
                    a.records(), now, now + 300_000, now + 86_400_000, 0, 0, null));
        }
        String second = send("news@" + sender, List.of("ops@" + TAGGING));
        assertThat(second).startsWith("250 2.0.0");
        String queueId = Fixtures.queueId(second);
        ConsumerRecord<String, byte[]> ready = Fixtures.find(broker, Topics.MAIL_READY, queueId,
                Duration.ofSeconds(30)).orElseThrow();
        InspectionSummary summary = summary(ready);
        assertThat(summary.passes()).as("decided in the session").isZero();
        assertThat(summary.action()).isEqualTo("DELIVER");
        assertThat(summary.checks()).anySatisfy(c -> assertThat(c.check() + "=" + c.result()).isEqualTo("spf=pass"));
        String text = Fixtures.text(ready);
        assertThat(text).startsWith("Authentication-Results: ").contains("spf=pass").contains("Subject: session");
        assertThat(Fixtures.envelope(JSON, ready).size()).isEqualTo(ready.value().length);
        // never on mail.accepted: the stage does not see it again
        assertThat(broker.readToEnd(Topics.MAIL_ACCEPTED)).noneMatch(r -> queueId.equals(r.key()));
    }

    @Test
    void aVerdictNeedsEveryCheckFinalSoOneMissingAnswerLeavesItToTheStage() throws Exception {
        String sender = "verdict-partial.example";
        cacheSpf(sender, "v=spf1 ip4:127.0.0.1 -all"); // SPF cached, its DMARC record and the PTR not
        FakeDnsBean.FAKE.answer(sender, DnsType.TXT, "v=spf1 ip4:127.0.0.1 -all");
        String reply = send("news@" + sender, List.of("ops@" + TAGGING));
        assertThat(reply).startsWith("250 2.0.0");
        String queueId = Fixtures.queueId(reply);
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.readToEnd(Topics.MAIL_ACCEPTED).stream()
                .anyMatch(r -> queueId.equals(r.key())));
        ConsumerRecord<String, byte[]> ready = Fixtures.find(broker, Topics.MAIL_READY, queueId,
                Duration.ofSeconds(60)).orElseThrow();
        assertThat(summary(ready).passes()).as("the stage's pass").isEqualTo(1);
    }

    private static InspectionSummary summary(ConsumerRecord<String, byte[]> r) throws Exception {
        return JSON.readValue(r.headers().lastHeader(MailHeaders.INSPECTION).value(), InspectionSummary.class);
    }
}
