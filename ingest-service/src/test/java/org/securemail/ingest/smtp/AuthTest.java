package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.CUSTOMER;
import static org.securemail.ingest.support.Fixtures.PASSWORD;
import static org.securemail.ingest.support.Fixtures.USER;

import java.time.Duration;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** AUTH: not on MX, LOGIN with abort, and a real client submitting with STARTTLS and AUTH. */
@QuarkusTest
class AuthTest extends ProvisionedIngressTestBase {

    @Test
    void mxListenerDoesNotOfferAuth() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            assertThat(c.greetAndEhlo()).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD))).startsWith("503 5.5.1");
        }
    }

    @Test
    void authLoginWorksAndCanBeAborted() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(submission())) {
            c.greetAndEhlo();
            c.command("STARTTLS");
            c.upgradeToTls();
            c.ehlo();
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.command("*")).isEqualTo("501 5.7.0 Authentication aborted");
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.command(base64(USER))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.command(base64(PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.command("AUTH LOGIN")).startsWith("503 5.5.1");
        }
    }

    @Test
    void angusMailSubmitsWithStartTlsAndAuth() throws Exception {
        MimeMessage msg = new MimeMessage(session(submission(),
                "mail.smtp.auth", "true",
                "mail.smtp.starttls.enable", "true",
                "mail.smtp.starttls.required", "true",
                "mail.smtp.ssl.trust", "*",
                "mail.smtp.ssl.checkserveridentity", "false", // dev self-signed certificate
                "mail.smtp.auth.mechanisms", "LOGIN"));
        msg.setFrom(new InternetAddress("bob@" + CUSTOMER));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("friend@anywhere.test"));
        msg.setSubject("submitted");
        msg.setText("via submission");
        String reply = send(msg, USER, PASSWORD);
        String id = Fixtures.queueId(reply);
        MailEnvelope env = Fixtures.envelope(JSON, Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
        assertThat(env.authIdentity()).isEqualTo(USER);
        assertThat(env.recipients()).containsExactly("friend@anywhere.test");
    }
}
