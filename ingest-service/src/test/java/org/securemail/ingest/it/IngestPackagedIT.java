package org.securemail.ingest.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.time.Duration;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.RawSmtpClient;
import org.securemail.ingest.support.SmtpPortsResource;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;

/** The packaged jar (prod mode, {@code java -jar quarkus-run.jar}) against a real broker. */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SmtpPortsResource.class, restrictToAnnotatedClass = true)
class IngestPackagedIT {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @InjectKafkaBroker
    KafkaBroker broker;

    private static String rcptReply(String rcpt) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(SmtpPortsResource.mxPort())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<probe@elsewhere.test>");
            return c.command("RCPT TO:<" + rcpt + ">");
        }
    }

    @Test
    void packagedJarRelaysOnlyProvisionedDomainsAndQueuesDurably() throws Exception {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("provisioning-state"));
        assertThat(rcptReply("x@" + INBOUND)).isEqualTo("550 5.7.1 Relay access denied");

        Fixtures.provision(broker, JSON);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(rcptReply("x@" + INBOUND)).isEqualTo("250 2.1.5 Ok"));
        assertThat(rcptReply("x@not-provisioned.test")).isEqualTo("550 5.7.1 Relay access denied");

        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(SmtpPortsResource.mxPort()));
        Session session = Session.getInstance(props);
        MimeMessage msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress("someone@elsewhere.test"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("user@" + INBOUND));
        msg.setSubject("packaged");
        msg.setText("from the packaged jar");
        String reply;
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(msg, msg.getAllRecipients());
            reply = transport.getLastServerResponse();
        }
        String id = Fixtures.queueId(reply);
        MailEnvelope env = Fixtures.envelope(JSON, Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
        assertThat(env.direction()).isEqualTo(Direction.INBOUND);
        assertThat(env.recipients()).containsExactly("user@" + INBOUND);

        // STARTTLS with the generated development certificate and AUTH work in the packaged jar too
        try (RawSmtpClient c = new RawSmtpClient(SmtpPortsResource.submissionPort())) {
            c.greetAndEhlo();
            assertThat(c.command("STARTTLS")).startsWith("220 2.0.0");
            assertThat(c.upgradeToTls()).startsWith("TLSv1.");
            assertThat(c.ehlo()).contains("AUTH PLAIN LOGIN");
            String token = java.util.Base64.getEncoder().encodeToString(
                    ("\0" + Fixtures.USER + "\0" + Fixtures.PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(c.command("AUTH PLAIN " + token)).isEqualTo("235 2.7.0 Authentication successful");
        }

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("smtp_messages_accepted_total{listener=\"mx\"} 1.0"));
    }
}
