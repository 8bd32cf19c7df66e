package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** DATA: a real client end to end (envelope, Received header, 20 MiB), the size and text-line limits. */
@QuarkusTest
class DataTest extends ProvisionedIngressTestBase {

    @Test
    void angusMailMessageIsQueuedWithEnvelopeAndReceivedHeader() throws Exception {
        MimeMessage msg = new MimeMessage(mxSession("mail.smtp.localhost", "sender.test"));
        msg.setFrom(new InternetAddress("someone@elsewhere.test"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("user@" + INBOUND));
        msg.setSubject("hello");
        msg.setText("first line\n.leading dot\n");
        String reply = send(msg);
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        String id = Fixtures.queueId(reply);

        ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow();
        MailEnvelope env = Fixtures.envelope(JSON, record);
        assertThat(env.queueId()).isEqualTo(id);
        assertThat(env.sender()).isEqualTo("someone@elsewhere.test");
        assertThat(env.recipients()).containsExactly("user@" + INBOUND);
        assertThat(env.clientIp()).isEqualTo("127.0.0.1");
        assertThat(env.helo()).isEqualTo("sender.test");
        assertThat(env.tenantId()).isEqualTo("t1");
        assertThat(env.direction()).isEqualTo(Direction.INBOUND);
        assertThat(env.tlsProtocol()).isNull();
        assertThat(env.authIdentity()).isNull();
        assertThat(env.size()).isEqualTo(record.value().length);
        String text = Fixtures.text(record);
        assertThat(text).startsWith("Received: from sender.test ([127.0.0.1])\r\n");
        assertThat(text).contains("with ESMTP id " + id).contains("for <user@" + INBOUND + ">");
        assertThat(text).contains("Subject: hello").contains("\r\n.leading dot\r\n");
    }

    @Test
    void twentyMebibyteMessageGoesEndToEnd() throws Exception {
        MimeMessage msg = new MimeMessage(mxSession());
        msg.setFrom(new InternetAddress("big@elsewhere.test"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("user@" + INBOUND));
        msg.setSubject("twenty MiB");
        StringBuilder body = new StringBuilder(20 * 1024 * 1024 + 100);
        String line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456\n"; // 80 bytes
        while (body.length() < 20 * 1024 * 1024) {
            body.append(line);
        }
        msg.setText(body.toString(), "us-ascii");
        msg.setHeader("Content-Transfer-Encoding", "7bit");
        String reply = send(msg);
        String id = Fixtures.queueId(reply);
        ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(60)).orElseThrow();
        assertThat(record.value().length).isGreaterThan(20 * 1024 * 1024);
        assertThat(Fixtures.envelope(JSON, record).size()).isEqualTo(record.value().length);
    }

    @Test
    void dataBeyondMaximumSizeIsRefusedWith552() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(c.command("DATA")).startsWith("354");
            byte[] line = ("y".repeat(1022) + "\r\n").getBytes(StandardCharsets.US_ASCII); // 1 KiB
            for (int i = 0; i < 25 * 1024 + 16; i++) {
                c.send(line);
            }
            c.send(".\r\n");
            assertThat(c.reply()).isEqualTo("552 5.3.4 Error: message file too big");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void textLineLongerThan998IsRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            c.command("DATA");
            assertThat(c.command("Subject: long\r\n\r\n" + "z".repeat(999) + "\r\n.")).startsWith("550 5.6.0");
        }
    }
}
