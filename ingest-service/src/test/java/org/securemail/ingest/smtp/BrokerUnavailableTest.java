package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.net.SelfSignedCertificate;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;
import org.securemail.testing.FreePorts;

/**
 * The mail producer points at a port where no broker listens (provisioning still reads the real broker): the client
 * gets 451 4.3.0 within the deadline and nothing reaches mail.accepted. The same profile has short idle timeouts and
 * a low per-IP connection limit.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestProfile(BrokerUnavailableTest.DeadProducer.class)
class BrokerUnavailableTest extends ProvisionedIngressTestBase {

    public static class DeadProducer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            SelfSignedCertificate configured = SelfSignedCertificate.create("configured.test");
            return Map.of(
                    "ingest.tls.cert-path", configured.certificatePath(),
                    "ingest.tls.key-path", configured.privateKeyPath(),
                    "ingest.accept.bootstrap-servers", "127.0.0.1:" + FreePorts.next(),
                    "ingest.accept.deadline", "2s",
                    "ingest.limits.idle-timeout", "3s",
                    "ingest.limits.max-connections-per-ip", "3",
                    "ingest.limits.max-buffered-bytes", "300000");
        }
    }

    @Inject
    SmtpServer server;

    @Inject
    MessageBudget budget;

    @Test
    void brokerUnavailableGives451WithinDeadlineAndStoresNothing() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(c.command("DATA")).startsWith("354");
            long start = System.nanoTime();
            String reply = c.command("Subject: lost?\r\n\r\nmarker-" + start + "\r\n.");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(reply).isEqualTo("451 4.3.0 Error: queue file write error, try again later");
            assertThat(tookMs).isLessThan(8000);
            // the session goes on: the client may retry or quit
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(broker.read(Topics.MAIL_ACCEPTED, 1, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void startTlsPresentsTheConfiguredCertificate() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(submission())) {
            c.greetAndEhlo();
            assertThat(c.command("STARTTLS")).startsWith("220 2.0.0");
            c.upgradeToTls();
            assertThat(c.peerSubject()).isEqualTo("CN=configured.test");
            assertThat(c.ehlo()).contains("AUTH PLAIN LOGIN");
        }
    }

    @Test
    void messagesBeyondTheMemoryBudgetGet452() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            // a declared size within the limit reserves nothing (issue 12): the budget runs out as the data arrives
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=400000")).isEqualTo("250 2.1.0 Ok");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(c.command("DATA")).startsWith("354");
            String body = ("b".repeat(998) + "\r\n").repeat(350);
            assertThat(c.command("Subject: big\r\n\r\n" + body + "."))
                    .isEqualTo("452 4.3.1 Insufficient system storage");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        // the memory was given back: a small message is accepted for queueing again (and gets the dead broker's 451)
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: small\r\n\r\nsmall\r\n.")).startsWith("451 4.3.0");
        }
    }

    /** Runs last: it shuts the listeners down for the rest of this class. */
    @Test
    @Order(Integer.MAX_VALUE)
    void drainAnswersTheMessageInFlightThenSays421ToEveryone() throws Exception {
        try (RawSmtpClient idle = new RawSmtpClient(mx());
                RawSmtpClient busy = new RawSmtpClient(mx())) {
            idle.greetAndEhlo();
            busy.greetAndEhlo();
            busy.command("MAIL FROM:<a@elsewhere.test>");
            busy.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(busy.command("DATA")).startsWith("354");
            busy.send("Subject: in flight\r\n\r\nx\r\n.\r\n");
            // the message is now held while the (dead) broker is asked
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.available() < budget.limit());

            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> server.drain(Duration.ofSeconds(15)));
            assertThat(idle.reply()).isEqualTo("421 4.3.2 Service shutting down, try again later");
            assertThat(busy.reply()).startsWith("451 4.3.0"); // its own reply first
            assertThat(busy.reply()).isEqualTo("421 4.3.2 Service shutting down, try again later");
            assertThat(drained.get(20, TimeUnit.SECONDS)).isTrue();
        }
        try (RawSmtpClient late = new RawSmtpClient(mx())) {
            assertThat(late.reply()).isEqualTo("421 4.3.2 Service shutting down, try again later");
        }
    }

    @Test
    void idleSessionIsClosedWith421() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.reply()).isEqualTo("421 4.4.2 Error: timeout exceeded");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionsPerIpAreLimited() throws Exception {
        List<RawSmtpClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawSmtpClient c = new RawSmtpClient(i % 2 == 0 ? mx() : submission());
                assertThat(c.reply()).startsWith("220 ");
                open.add(c);
            }
            try (RawSmtpClient extra = new RawSmtpClient(mx())) {
                assertThat(extra.reply()).isEqualTo("421 4.7.0 Error: too many connections from your address");
                assertThat(extra.closedByServer()).isTrue();
            }
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (RawSmtpClient again = new RawSmtpClient(mx())) {
                    assertThat(again.reply()).startsWith("220 ");
                }
            });
        } finally {
            for (RawSmtpClient c : open) {
                c.close();
            }
        }
    }
}
