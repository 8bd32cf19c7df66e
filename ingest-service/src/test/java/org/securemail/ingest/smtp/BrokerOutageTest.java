package org.securemail.ingest.smtp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * The whole broker goes away while ingest runs (ADR 0064): the replica stays ready, so it stays in the load balancer
 * and clients get the documented {@code 451 4.3.0} instead of connection refused; the operator sees the outage in the
 * {@code mail-queue} wellness check. Its own profile, so its own application and broker, which it stops.
 */
@QuarkusTest
@TestProfile(BrokerOutageTest.OwnBroker.class)
class BrokerOutageTest extends ProvisionedIngressTestBase {

    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.accept.deadline", "2s");
        }
    }

    @Test
    void duringABrokerOutageIngestStaysReadyAndAnswers451() throws Exception {
        given().get(management("health/ready")).then().statusCode(200);
        given().get(management("health/well")).then().statusCode(200).body(containsString("mail-queue"));

        broker.close();

        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<u@" + INBOUND + ">")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: during the outage\r\n\r\nbody\r\n."))
                    .isEqualTo("451 4.3.0 Error: queue file write error, try again later");
        }
        given().get(management("health/ready")).then().statusCode(200)
                .body(containsString("provisioning-state"), not(containsString("Kafka connection")));
        given().get(management("health/well")).then().statusCode(503)
                .body(containsString("mail-queue"), containsString("lastFailed"));
    }
}
