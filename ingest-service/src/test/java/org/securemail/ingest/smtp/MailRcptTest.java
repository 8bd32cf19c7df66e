package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.INBOUND;
import static org.securemail.ingest.support.Fixtures.SMALL;

import java.time.Duration;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** MAIL and RCPT: declared size, recipient limit, SMTPUTF8 and a domain's own size limit. */
@QuarkusTest
class MailRcptTest extends ProvisionedIngressTestBase {

    @Test
    void declaredSizeOverLimitIsRefusedAtMail() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=26214401")).startsWith("552 5.3.4");
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=1000")).startsWith("250 2.1.0");
        }
    }

    @Test
    void recipientsBeyondTheLimitGet452() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 101; i++) {
                batch.append("RCPT TO:<r").append(i).append('@').append(INBOUND).append(">\r\n");
            }
            c.send(batch.toString());
            for (int i = 0; i < 100; i++) {
                assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            }
            assertThat(c.reply()).isEqualTo("452 4.5.3 Error: too many recipients");
        }
    }

    @Test
    void unicodeAddressesNeedSmtputf8() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("MAIL FROM:<jörg@elsewhere.test>")).startsWith("553 5.6.7");
            assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<jürgen@" + INBOUND + ">")).startsWith("553 5.6.7");
            c.command("RSET");
            assertThat(c.command("MAIL FROM:<jörg@elsewhere.test> SMTPUTF8")).startsWith("250");
            assertThat(c.command("RCPT TO:<jürgen@" + INBOUND + ">")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("DATA")).startsWith("354");
            String id = Fixtures.queueId(c.command("Subject: grüße\r\n\r\nhällo\r\n."));
            ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow();
            assertThat(Fixtures.envelope(JSON, record).recipients()).containsExactly("jürgen@" + INBOUND);
            assertThat(Fixtures.text(record)).contains("Subject: grüße");
        }
    }

    @Test
    void domainSizeLimitAppliesAtRcptAndAtEndOfData() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test> SIZE=5000");
            assertThat(c.command("RCPT TO:<u@" + SMALL + ">")).startsWith("552 5.3.4");
            assertThat(c.command("RCPT TO:<u@" + INBOUND + ">")).startsWith("250"); // platform limit there
            c.command("RSET");
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(c.command("RCPT TO:<u@" + SMALL + ">")).startsWith("250");
            c.command("DATA");
            assertThat(c.command("Subject: big\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(30) + "."))
                    .isEqualTo("552 5.3.4 Error: message file too big");
        }
    }
}
