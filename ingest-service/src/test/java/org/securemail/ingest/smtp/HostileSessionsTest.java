package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * Issue 12, item 4: a thousand hostile sessions at once against the real ingress (real broker), driven from one
 * client Vert.x instance (a handful of threads, no thread per connection):
 * <ul>
 * <li>350 slow senders: {@code DATA}, then a short line a second;</li>
 * <li>350 that declare {@code SIZE=26214400} and then trickle their data the same way;</li>
 * <li>300 non-readers that pipeline {@code EHLO}/{@code NOOP} and never read a reply.</li>
 * </ul>
 * While all of them are open, the message memory in use stays far below its budget (it holds what arrived, not what
 * was declared), the server has stopped reading from every non-reader, and a well-behaved client gets its
 * {@code 250} for a whole transaction within one second.
 */
@QuarkusTest
@TestProfile(HostileSessionsTest.Crowded.class)
class HostileSessionsTest extends ProvisionedIngressTestBase {

    static final int SLOW = 350;
    static final int DECLARING = 350;
    static final int NON_READERS = 300;
    static final long BUDGET = 128L * 1024 * 1024;

    public static class Crowded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ingest.limits.max-connections", "1400",
                    "ingest.limits.mx-max-connections", "1200",
                    "ingest.limits.max-connections-per-ip", "1500",
                    "ingest.limits.max-buffered-bytes", Long.toString(BUDGET),
                    // the trickling sessions are slower than the minimum data rate: a long grace keeps all of them
                    // open for the whole test, so the good client competes with every one
                    "ingest.limits.min-data-rate-grace", "10m",
                    // longer than the hostile phase (the non-readers must stay open through it), and the bound on
                    // how long a vanished non-reader holds its session at the end
                    "ingest.limits.output-blocked-timeout", "90s");
        }
    }

    @Inject
    MessageBudget budget;

    @Inject
    SessionRegistry sessions;

    @Test
    void aThousandHostileSessionsLeaveTheBudgetAloneAndAGoodClientGets250WithinASecond() throws Exception {
        Vertx client = Vertx.vertx();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        AtomicLong maxInUse = new AtomicLong();
        sampler.scheduleAtFixedRate(() -> maxInUse.accumulateAndGet(budget.limit() - budget.available(), Math::max),
                0, 20, TimeUnit.MILLISECONDS);
        List<NetSocket> tricklers = new CopyOnWriteArrayList<>();
        List<NetSocket> nonReaders = new CopyOnWriteArrayList<>();
        AtomicInteger settled = new AtomicInteger(); // tricklers that got the reply to their DATA (or a refusal)
        AtomicInteger readersConnected = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        try {
            NetClient readers = client.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
            NetClient deaf = client.createNetClient(new NetClientOptions().setConnectTimeout(10_000)
                    .setReceiveBufferSize(4096).setSendBufferSize(16 * 1024));
            String rcpt = "RCPT TO:<u@" + INBOUND + ">\r\nDATA\r\n";
            String slowScript = "EHLO slow.test\r\nMAIL FROM:<slow@elsewhere.test>\r\n" + rcpt;
            String declaringScript = "EHLO big.test\r\nMAIL FROM:<big@elsewhere.test> SIZE=26214400\r\n" + rcpt;
            for (int i = 0; i < SLOW + DECLARING; i++) {
                String script = i % 2 == 0 ? slowScript : declaringScript;
                readers.connect(mx(), "127.0.0.1").onFailure(e -> failures.incrementAndGet()).onSuccess(s -> {
                    tricklers.add(s);
                    readersConnected.incrementAndGet();
                    s.handler(new FinalReplies(5, settled::incrementAndGet)); // greeting, EHLO, MAIL, RCPT, DATA
                    s.write(script);
                });
            }
            Buffer pipelined = Buffer.buffer("EHLO deaf.test\r\nNOOP\r\n".repeat(64), "US-ASCII");
            for (int i = 0; i < NON_READERS; i++) {
                deaf.connect(mx(), "127.0.0.1").onFailure(e -> failures.incrementAndGet()).onSuccess(s -> {
                    s.pause(); // never reads a byte
                    nonReaders.add(s);
                    pump(s, pipelined, new AtomicLong());
                });
            }
            long trickler = client.setPeriodic(1000, id -> tricklers.forEach(s -> s.write("trickle trickle\r\n")));

            await().atMost(Duration.ofSeconds(60)).until(() -> settled.get() + failures.get() >= SLOW + DECLARING);
            assertThat(failures.get()).as("hostile connections that failed").isZero();
            SoftAssertions soft = new SoftAssertions(); // each bound reported on its own
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> metric("smtp_sessions_output_blocked") >= NON_READERS);
            } catch (ConditionTimeoutException e) {
                soft.fail("the server still reads from non-readers: smtp_sessions_output_blocked = "
                        + metric("smtp_sessions_output_blocked"));
            }
            soft.assertThat(sessions.openCount()).as("hostile sessions open").isGreaterThanOrEqualTo(1000);

            long start = System.nanoTime();
            String reply;
            try (RawSmtpClient good = new RawSmtpClient(mx(), "127.0.9.1")) {
                good.greetAndEhlo();
                good.command("MAIL FROM:<good@elsewhere.test>");
                good.command("RCPT TO:<good@" + INBOUND + ">");
                reply = good.command("DATA");
                if (reply.startsWith("354")) {
                    reply = good.command("Subject: well behaved\r\n\r\nhello\r\n.");
                }
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            soft.assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            soft.assertThat(tookMs).as("ms for a whole transaction beside 1000 hostile sessions").isLessThan(1000);

            soft.assertThat(sessions.openCount()).as("hostile sessions still open").isGreaterThanOrEqualTo(1000);
            soft.assertThat(maxInUse.get()).as("message memory in use at most").isLessThanOrEqualTo(BUDGET)
                    // what arrived (about 1 kB a session), never what was declared (25 MiB each)
                    .isLessThan(8L * 1024 * 1024);
            client.cancelTimer(trickler);
            soft.assertAll();
        } finally {
            sampler.shutdownNow();
            // a graceful close of a non-reader's socket waits to flush commands the server no longer reads: close
            // the channels without flushing, so the client's own shutdown does not wait on them
            nonReaders.forEach(s -> ((NetSocketInternal) s).channelHandlerContext().channel().close());
            tricklers.forEach(s -> ((NetSocketInternal) s).channelHandlerContext().channel().close());
            // the client's own close is not waited for: what this test asserts is the server side below
            client.close();
        }
        try {
            // a non-reader's session is paused and sees its client's close only through the output-blocked timeout
            // (90 s here, counted from when it blocked, before the hostile phase above)
            await().atMost(Duration.ofSeconds(120)).until(() -> sessions.openCount() == 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("sessions still open after their clients closed, by state: "
                    + sessions.openByState(), e);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available() == budget.limit());
    }

    /** Writes pipelined commands whenever the socket can take more, up to 256 KiB: it never reads the replies. */
    private static void pump(NetSocket s, Buffer batch, AtomicLong sent) {
        while (!s.writeQueueFull() && sent.get() < 256 * 1024) {
            s.write(batch);
            sent.addAndGet(batch.length());
        }
        if (sent.get() < 256 * 1024) {
            s.drainHandler(v -> pump(s, batch, sent));
        }
    }

    /** Counts final reply lines ({@code NNN} + space) and calls {@code done} once {@code expected} arrived. */
    private static final class FinalReplies implements io.vertx.core.Handler<Buffer> {

        private final int expected;
        private final Runnable done;
        private final StringBuilder line = new StringBuilder();
        private int finals;

        FinalReplies(int expected, Runnable done) {
            this.expected = expected;
            this.done = done;
        }

        @Override
        public void handle(Buffer buffer) {
            for (char ch : buffer.toString(StandardCharsets.ISO_8859_1).toCharArray()) {
                if (ch != '\n') {
                    line.append(ch);
                    continue;
                }
                if (line.length() >= 4 && line.charAt(3) == ' ' && ++finals == expected) {
                    done.run();
                }
                line.setLength(0);
            }
        }
    }
}
