package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.securemail.ingest.support.Fixtures.CUSTOMER;
import static org.securemail.ingest.support.Fixtures.FOREIGN;
import static org.securemail.ingest.support.Fixtures.INBOUND;
import static org.securemail.ingest.support.Fixtures.LISTED;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** Relay control at RCPT from the provisioning topics: domains, recipient lists, tenants, live changes. */
@QuarkusTest
class RelayControlTest extends ProvisionedIngressTestBase {

    @Test
    void relayWithoutAuthIsRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<bob@" + CUSTOMER + ">");
            assertThat(c.command("RCPT TO:<someone@gmail.test>")).isEqualTo("550 5.7.1 Relay access denied");
            // a provisioned domain without inbound relay is a relay attempt too
            assertThat(c.command("RCPT TO:<x@" + CUSTOMER + ">")).isEqualTo("550 5.7.1 Relay access denied");
            assertThat(c.command("DATA")).startsWith("554 5.5.1");
        }
    }

    @Test
    void recipientListDomainRefusesUnknownLocalPart() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<>");
            assertThat(c.command("RCPT TO:<mallory@" + LISTED + ">")).startsWith("550 5.1.1");
            assertThat(c.command("RCPT TO:<Alice@" + LISTED.toUpperCase() + ">")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void recipientsOfTwoTenantsAreSplitIntoTwoTransactions() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            assertThat(c.command("RCPT TO:<u@" + INBOUND + ">")).startsWith("250");
            assertThat(c.command("RCPT TO:<u@" + FOREIGN + ">")).startsWith("452 4.5.3");
        }
    }

    @Test
    void provisioningChangesAndTombstonesApplyWhileRunning() throws Exception {
        String temp = "temporary.example";
        Fixtures.send(broker, JSON, Topics.PROVISIONING_DOMAINS, temp, Fixtures.domain(temp, "t1", true, false, false));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rcptReply("x@" + temp)).startsWith("250"));
        // an unreadable record is skipped and counted; the state stays as it was
        broker.send(Topics.PROVISIONING_DOMAINS, temp, "{not JSON".getBytes(StandardCharsets.UTF_8), Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> metric("ingest_provisioning_unreadable_total") >= 1.0);
        assertThat(rcptReply("x@" + temp)).startsWith("250");
        // a tombstone removes the domain: relaying for it stops
        Fixtures.send(broker, JSON, Topics.PROVISIONING_DOMAINS, temp, null);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(rcptReply("x@" + temp)).isEqualTo("550 5.7.1 Relay access denied"));
    }
}
