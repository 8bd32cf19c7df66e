package org.securemail.ingest.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.time.Duration;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.IngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * The whole ingress from an empty start: relay refused until the domain is provisioned, then a message queued durably,
 * STARTTLS and AUTH, readiness and metrics. Black-box only (no injection), so {@link IngestPackagedIT} runs the same
 * test against the packaged jar.
 */
@QuarkusTest
@TestProfile(IngestSmokeTest.OwnApplication.class)
class IngestSmokeTest extends IngressTestBase {

    /**
     * No overrides: a profile of its own gives this class its own application and broker, so it starts before any
     * provisioning and counts exactly its own accepted message.
     */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @Test
    void relaysOnlyProvisionedDomainsAndQueuesDurably() throws Exception {
        given().get(management("health/ready")).then().statusCode(200).body(containsString("provisioning-state"));
        assertThat(rcptReply("x@" + INBOUND)).isEqualTo("550 5.7.1 Relay access denied");

        Fixtures.provision(broker, JSON);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(rcptReply("x@" + INBOUND)).isEqualTo("250 2.1.5 Ok"));
        assertThat(rcptReply("x@not-provisioned.test")).isEqualTo("550 5.7.1 Relay access denied");

        MimeMessage msg = new MimeMessage(mxSession());
        msg.setFrom(new InternetAddress("someone@elsewhere.test"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("user@" + INBOUND));
        msg.setSubject("packaged");
        msg.setText("from the packaged jar");
        String reply = send(msg);
        String id = Fixtures.queueId(reply);
        MailEnvelope env = Fixtures.envelope(JSON, Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
        assertThat(env.direction()).isEqualTo(Direction.INBOUND);
        assertThat(env.recipients()).containsExactly("user@" + INBOUND);

        // STARTTLS with the generated development certificate, then AUTH
        try (RawSmtpClient c = new RawSmtpClient(submission())) {
            c.greetAndEhlo();
            assertThat(c.command("STARTTLS")).startsWith("220 2.0.0");
            assertThat(c.upgradeToTls()).startsWith("TLSv1.");
            assertThat(c.ehlo()).contains("AUTH PLAIN LOGIN");
            assertThat(c.command("AUTH PLAIN " + base64("\0" + Fixtures.USER + "\0" + Fixtures.PASSWORD)))
                    .isEqualTo("235 2.7.0 Authentication successful");
        }

        given().get(management("metrics")).then().statusCode(200)
                .body(containsString("smtp_messages_accepted_total{listener=\"mx\"} 1.0"));
    }
}
