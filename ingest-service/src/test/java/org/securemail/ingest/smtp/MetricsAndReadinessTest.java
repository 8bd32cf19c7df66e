package org.securemail.ingest.smtp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** Operations: readiness once provisioning is loaded, and the Prometheus metrics. */
@QuarkusTest
class MetricsAndReadinessTest extends ProvisionedIngressTestBase {

    @Test
    void readyOnceProvisioningIsLoadedAndMetricsAreExported() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<m@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            c.command("DATA");
            Fixtures.queueId(c.command("Subject: m\r\n\r\nm\r\n."));
            assertThat(c.command("NOSUCHVERB")).startsWith("500 5.5.1"); // counted in smtp_rejections_total
        }
        given().get(management("health/ready")).then().statusCode(200).body(containsString("provisioning-state"));
        given().get(management("metrics")).then().statusCode(200)
                .body(containsString("smtp_messages_accepted_total{listener=\"mx\"}"))
                .body(containsString("smtp_accept_latency_seconds_bucket"))
                .body(containsString("smtp_sessions_open{listener=\"mx\"}"))
                .body(containsString("smtp_rejections_total"));
        // issue 12 item 8 / ADR 0062: /q/* is on the management interface only, not on the HTTP port
        given().get("/q/metrics").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(404);
    }
}
