package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.CUSTOMER;
import static org.securemail.ingest.support.Fixtures.FOREIGN;
import static org.securemail.ingest.support.Fixtures.PASSWORD;
import static org.securemail.ingest.support.Fixtures.USER;

import java.time.Duration;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** STARTTLS on submission: clear-text pipelining dropped, the session reset, then AUTH and an owned sender. */
@QuarkusTest
class StartTlsTest extends ProvisionedIngressTestBase {

    @Inject
    IngestConfig config;

    @Test
    void submissionNeedsStartTlsThenAuthThenOwnedSender() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(submission())) {
            String ehlo = c.greetAndEhlo();
            assertThat(ehlo).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD)))
                    .isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(c.command("MAIL FROM:<bob@" + CUSTOMER + ">")).startsWith("530 5.7.0");
            // a command pipelined after STARTTLS in clear text must be dropped, not answered after the handshake
            c.send("STARTTLS\r\nNOOP\r\n");
            assertThat(c.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            assertThat(c.upgradeToTls()).startsWith("TLSv1.");
            assertThat(c.command("MAIL FROM:<bob@" + CUSTOMER + ">")).startsWith("503 5.5.1"); // state was reset
            assertThat(c.ehlo()).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            long before = System.nanoTime();
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0wrong"))).isEqualTo("535 5.7.8 Error: authentication failed");
            // the configured failure delay (short in tests) passed before the 535
            assertThat(Duration.ofNanos(System.nanoTime() - before))
                    .isGreaterThanOrEqualTo(config.limits().authFailureDelay().multipliedBy(9).dividedBy(10));
            assertThat(c.command("AUTH PLAIN " + base64("\0disabled\0" + PASSWORD))).startsWith("535 5.7.8");
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.command("MAIL FROM:<bob@" + FOREIGN + ">")).startsWith("553 5.7.1");
            assertThat(c.command("MAIL FROM:<bob@" + CUSTOMER + ">")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.command("RCPT TO:<friend@anywhere.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("DATA")).startsWith("354");
            String id = Fixtures.queueId(c.command("Subject: out\r\n\r\nhello\r\n."));
            ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow();
            MailEnvelope env = Fixtures.envelope(JSON, record);
            assertThat(env.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(env.authIdentity()).isEqualTo(USER);
            assertThat(env.tenantId()).isEqualTo("t2");
            assertThat(env.tlsProtocol()).startsWith("TLSv1.");
            assertThat(Fixtures.text(record)).contains("with ESMTPSA id " + id).contains("(using TLSv1.");
        }
    }
}
