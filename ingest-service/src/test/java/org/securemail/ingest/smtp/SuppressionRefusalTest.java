package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.securemail.ingest.support.Fixtures.CUSTOMER;
import static org.securemail.ingest.support.Fixtures.LISTED;
import static org.securemail.ingest.support.Fixtures.PASSWORD;
import static org.securemail.ingest.support.Fixtures.USER;

import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.common.provisioning.SuppressionRecord;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * Issue 16 item 4: an authenticated submission to an address on the tenant's suppression list is refused at RCPT with
 * {@code 550 5.7.1}, the other recipients are accepted and queued; other tenants' lists and the MX listener are not
 * affected; a tombstone lifts the refusal. The list comes from {@code provisioning.suppressions} on the real broker.
 */
@QuarkusTest
class SuppressionRefusalTest extends ProvisionedIngressTestBase {

    /** The tenant of {@link Fixtures#USER}. */
    private static final String TENANT = "t2";

    @Inject
    MeterRegistry registry;

    @Test
    void aSuppressedRecipientIsRefusedAndTheOthersAreQueued() throws Exception {
        SuppressionRecord gone = suppress(TENANT, "gone@bounced.example");
        double before = refused();
        try (RawSmtpClient c = submit()) {
            assertThat(c.command("RCPT TO:<Gone@BOUNCED.example>")).isEqualTo(
                    "550 5.7.1 <Gone@BOUNCED.example>: recipient is on this tenant's suppression list");
            assertThat(c.command("RCPT TO:<friend@bounced.example>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("DATA")).startsWith("354");
            String reply = c.command("Subject: hi\r\n\r\nhello\r\n.");
            assertThat(reply).startsWith("250");
            ConsumerRecord<String, byte[]> queued = Fixtures.find(broker, Fixtures.queueId(reply), Duration.ofSeconds(20))
                    .orElseThrow();
            MailEnvelope env = Fixtures.envelope(JSON, queued);
            assertThat(env.recipients()).containsExactly("friend@bounced.example");
        }
        assertThat(refused()).isEqualTo(before + 1);

        // a tombstone lifts it
        Fixtures.send(broker, JSON, Topics.PROVISIONING_SUPPRESSIONS, gone.key(), null);
        await().atMost(Duration.ofSeconds(20)).until(() -> !state.suppressed(TENANT, "gone", "bounced.example"));
        try (RawSmtpClient c = submit()) {
            assertThat(c.command("RCPT TO:<gone@bounced.example>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void aSuppressedRecipientAloneLeavesNoValidRecipientAndIsNotAClientError() throws Exception {
        suppress(TENANT, "only@bounced.example");
        try (RawSmtpClient c = submit()) {
            // more refusals than the session's error limit (20): the session is not dropped for them
            for (int i = 0; i < 25; i++) {
                assertThat(c.command("RCPT TO:<only@bounced.example>")).startsWith("550 5.7.1");
            }
            assertThat(c.command("DATA")).startsWith("554 5.5.1");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void anotherTenantsListAndTheMxListenerAreNotAffected() throws Exception {
        suppress("t3", "shared@bounced.example");
        // t1 lists one of its own inbound recipients: inbound mail is not a submission, the list does not apply
        suppress("t1", "alice@" + LISTED);
        try (RawSmtpClient c = submit()) {
            assertThat(c.command("RCPT TO:<shared@bounced.example>")).isEqualTo("250 2.1.5 Ok");
        }
        assertThat(rcptReply("alice@" + LISTED)).isEqualTo("250 2.1.5 Ok");
    }

    private SuppressionRecord suppress(String tenant, String address) throws Exception {
        SuppressionRecord r = new SuppressionRecord(tenant, address, SuppressionReason.HARD_BOUNCE);
        Fixtures.send(broker, JSON, Topics.PROVISIONING_SUPPRESSIONS, r.key(), r);
        int at = address.lastIndexOf('@');
        await().atMost(Duration.ofSeconds(20))
                .until(() -> state.suppressed(tenant, address.substring(0, at), address.substring(at + 1)));
        return r;
    }

    /** An authenticated submission session of {@link Fixtures#USER}, after MAIL FROM. */
    private static RawSmtpClient submit() throws Exception {
        RawSmtpClient c = new RawSmtpClient(submission());
        c.greetAndEhlo();
        assertThat(c.command("STARTTLS")).startsWith("220");
        c.upgradeToTls();
        c.ehlo();
        assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD))).startsWith("235");
        assertThat(c.command("MAIL FROM:<" + USER + "@" + CUSTOMER + ">")).startsWith("250");
        return c;
    }

    private double refused() {
        Counter counter = registry.find("smtp.rejections").tag("reason", "suppressed").tag("listener", "submission")
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
