package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * Ingress resource exhaustion (issue 12, item 4), one bound at a time: output back-pressure against a client that
 * pipelines and never reads, message memory reserved as data arrives (not at {@code SIZE=}), the total session
 * lifetime, the minimum data rate, and a connection cap per listener. The profile makes every bound small so each
 * test takes seconds.
 */
@QuarkusTest
@TestProfile(IngressExhaustionTest.TightLimits.class)
class IngressExhaustionTest extends ProvisionedIngressTestBase {

    static final int MX_CAP = 5;
    static final int SUBMISSION_CAP = 3;

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ingest.limits.session-lifetime", "10s",
                    "ingest.limits.output-blocked-timeout", "4s",
                    "ingest.limits.min-data-rate", "1000",
                    "ingest.limits.min-data-rate-grace", "1s",
                    "ingest.limits.mx-max-connections", Integer.toString(MX_CAP),
                    "ingest.limits.submission-max-connections", Integer.toString(SUBMISSION_CAP),
                    "ingest.limits.max-buffered-bytes", Integer.toString(8 * 1024 * 1024));
        }
    }

    @Inject
    MessageBudget budget;

    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTrickling() {
        trickle.shutdownNow();
    }

    @Test
    void aClientThatPipelinesAndNeverReadsIsNoLongerReadFrom() throws Exception {
        long total = 32L * 1024 * 1024;
        byte[] batch = "EHLO client.test\r\nNOOP\r\n".repeat(2048).getBytes(StandardCharsets.US_ASCII);
        AtomicLong written = new AtomicLong();
        awaitFreeSlot(mx());
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // it never reads: its window closes at once
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", mx()), 5000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    while (written.get() < total) {
                        out.write(batch);
                        written.addAndGet(batch.length);
                    }
                    return written.get();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // the server stops reading once the replies back up, so the writer blocks long before 32 MiB
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> writer.isDone() || metric("smtp_sessions_output_blocked") >= 1);
            assertThat(writer).as("the server read all %d bytes of pipelined commands", total).isNotDone();
            assertThat(metric("smtp_sessions_output_blocked")).isEqualTo(1.0);
            // the output-blocked timeout (4 s) then ends it: the blocked writer fails, it never gets everything through
            await().atMost(Duration.ofSeconds(20)).until(writer::isDone);
            assertThat(writer).isCompletedExceptionally();
            assertThat(written.get()).isLessThan(total / 2);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("smtp_sessions_output_blocked") == 0);
    }

    /**
     * A paused socket does not see its client's close: without a bound on the blocked output, a non-reader that went
     * away held its slot until the idle timeout (300 s; the flake of HostileSessionsTest).
     */
    @Test
    void aClientThatTakesNoneOfItsRepliesIsCutOffAfterTheOutputBlockedTimeout() throws Exception {
        String reason = "smtp_rejections_total{listener=\"mx\",reason=\"output_blocked\"}";
        double before = Double.isNaN(metric(reason)) ? 0 : metric(reason);
        byte[] batch = "NOOP\r\n".repeat(8192).getBytes(StandardCharsets.US_ASCII);
        awaitFreeSlot(mx());
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", mx()), 5000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    while (true) {
                        out.write(batch);
                    }
                } catch (IOException e) {
                    // cut off by the server: what this test waits for
                }
            });
            // blocked soon after the connect (or already cut off again, on a slow machine)
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> writer.isDone() || metric("smtp_sessions_output_blocked") >= 1);
            long blockedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).until(writer::isDone);
            long tookMs = (System.nanoTime() - blockedAt) / 1_000_000;
            // ended by the 4 s bound, not by the session lifetime (10 s from the connect)
            assertThat(metric(reason)).isEqualTo(before + 1);
            assertThat(tookMs).isLessThan(8_000L);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("smtp_sessions_output_blocked") == 0);
    }

    @Test
    void aDeclaredSizeReservesNoMemoryUntilTheDataArrives() throws Exception {
        try (RawSmtpClient c = greeted()) {
            // 20 MB declared, within the 25 MiB limit but far above the 8 MiB budget: allowed, nothing reserved
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=20000000")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.command("RCPT TO:<u@" + INBOUND + ">")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(budget.limit() - budget.available()).as("reserved before any data").isLessThan(4096);

            String line = "d".repeat(998) + "\r\n";
            c.send("Subject: arrives\r\n\r\n" + line.repeat(200)); // about 200 kB
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> budget.limit() - budget.available() >= 200 * 1000);
            assertThat(budget.limit() - budget.available()).as("reserved for 200 kB of data")
                    .isLessThan(200 * 1000 + 128 * 1024);
            assertThat(c.command(".")).startsWith("250 2.0.0 Ok: queued as ");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available() == budget.limit());
    }

    @Test
    void aDeclaredSizeAboveTheLimitIsStillRefused() throws Exception {
        try (RawSmtpClient c = greeted()) {
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=26214401"))
                    .isEqualTo("552 5.3.4 Message size exceeds fixed limit");
        }
    }

    @Test
    void aSessionEndsAfterItsLifetimeHoweverBusyItIs() throws Exception {
        try (RawSmtpClient c = admitted(mx())) {
            long start = System.nanoTime(); // the session began a moment earlier: the lower bound below holds
            c.ehlo();
            // a NOOP every 200 ms keeps the idle timer from ever firing
            trickle.scheduleAtFixedRate(() -> send(c, "NOOP\r\n"), 0, 200, TimeUnit.MILLISECONDS);
            String reply;
            do {
                reply = c.reply();
            } while (reply != null && reply.startsWith("250") && System.nanoTime() - start < 20_000_000_000L);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(reply).isEqualTo("421 4.4.2 Error: session lifetime exceeded");
            assertThat(tookMs).isBetween(9_000L, 16_000L);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aSenderBelowTheMinimumDataRateIsCutOff() throws Exception {
        try (RawSmtpClient c = inData()) {
            long start = System.nanoTime();
            // one byte every 100 ms: 10 bytes/s against a minimum of 1000 after a 1 s grace, yet never idle
            trickle.scheduleAtFixedRate(() -> send(c, "x"), 0, 100, TimeUnit.MILLISECONDS);
            String reply = c.reply();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(reply).isEqualTo("421 4.4.2 Error: data rate too low");
            assertThat(tookMs).as("about the grace period, well before the 10 s lifetime").isLessThan(5_000L);
            assertThat(c.closedByServer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available() == budget.limit());
    }

    @Test
    void aFastSenderIsNotCutOffByTheDataRate() throws Exception {
        try (RawSmtpClient c = inData()) {
            // 100 lines of 1 kB every 50 ms for about 2.5 s (2 MB/s), well past the grace period
            String lines = ("f".repeat(998) + "\r\n").repeat(100);
            for (int i = 0; i < 50; i++) {
                trickle.schedule(() -> send(c, lines), i * 50L, TimeUnit.MILLISECONDS);
            }
            trickle.schedule(() -> send(c, ".\r\n"), 50 * 50L, TimeUnit.MILLISECONDS);
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
        }
    }

    @Test
    void eachListenerHasItsOwnConnectionCap() throws Exception {
        List<RawSmtpClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MX_CAP; i++) {
                open.add(admitted(mx()));
            }
            try (RawSmtpClient extra = new RawSmtpClient(mx())) {
                assertThat(extra.reply()).isEqualTo("421 4.7.0 Error: too many connections to this service");
                assertThat(extra.closedByServer()).isTrue();
            }
            try (RawSmtpClient other = new RawSmtpClient(submission())) {
                assertThat(other.reply()).as("submission while MX is full").startsWith("220 ");
            }
            for (RawSmtpClient c : open) {
                c.close();
            }
            open.clear();

            for (int i = 0; i < SUBMISSION_CAP; i++) {
                open.add(admitted(submission()));
            }
            try (RawSmtpClient extra = new RawSmtpClient(submission())) {
                assertThat(extra.reply()).isEqualTo("421 4.7.0 Error: too many connections to this service");
                assertThat(extra.closedByServer()).isTrue();
            }
            try (RawSmtpClient other = new RawSmtpClient(mx())) {
                assertThat(other.reply()).as("MX while submission is full").startsWith("220 ");
            }
        } finally {
            for (RawSmtpClient c : open) {
                c.close();
            }
        }
    }

    /** An MX session past EHLO, once the listener has a free slot. */
    private static RawSmtpClient greeted() throws IOException {
        RawSmtpClient c = admitted(mx());
        c.ehlo();
        return c;
    }

    /** An MX session with one accepted recipient, after the server's 354 to DATA. */
    private static RawSmtpClient inData() throws IOException {
        RawSmtpClient c = greeted();
        assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
        assertThat(c.command("RCPT TO:<u@" + INBOUND + ">")).startsWith("250");
        assertThat(c.command("DATA")).startsWith("354");
        return c;
    }

    /** A connection the server greeted; retried while earlier tests' connections are still being closed. */
    private static RawSmtpClient admitted(int port) {
        RawSmtpClient[] admitted = new RawSmtpClient[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            RawSmtpClient c = new RawSmtpClient(port);
            String greeting = c.reply();
            if (greeting != null && greeting.startsWith("220 ")) {
                admitted[0] = c;
                return true;
            }
            c.close();
            return false;
        });
        return admitted[0];
    }

    /** Waits until the listener has a free slot (connections of an earlier test are closed asynchronously). */
    private static void awaitFreeSlot(int port) throws IOException {
        admitted(port).close();
    }

    private static void send(RawSmtpClient c, String text) {
        try {
            c.send(text);
        } catch (IOException e) {
            throw new IllegalStateException(e); // ends the schedule once the server has closed
        }
    }
}
