package org.securemail.ingest.inspect.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import org.junit.jupiter.api.Test;
import org.securemail.ingest.inspect.content.ScanVerdict.Action;
import org.securemail.testing.FreePorts;

/** The adapter against servers that misbehave: silent, absent, garbled, oversized, slow. */
class RspamdScannerFailureTest {

    private static final String OK_REPLY = "{\"action\":\"no action\",\"score\":1.5,\"required_score\":15.0,"
            + "\"symbols\":{\"MIME_GOOD\":{\"name\":\"MIME_GOOD\",\"score\":-0.1,\"options\":[\"text/plain\"]}}}";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static RspamdScanner scanner(URI endpoint) {
        return new RspamdScanner(RspamdOptions.defaults(endpoint).withTimeout(Duration.ofSeconds(10)));
    }

    private static ScanVerdict scan(RspamdScanner scanner, ScanRequest request) {
        return scanner.scan(request).await().atMost(WAIT);
    }

    private static ScanRequest plain() {
        return ContentScannerContract.request("hello");
    }

    @Test
    void timesOutAgainstASocketThatNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(
                    URI.create("http://127.0.0.1:" + silent.getLocalPort())).withTimeout(Duration.ofMillis(300)));
            long start = System.nanoTime();
            ScanVerdict verdict = scan(scanner, plain());
            assertThat(verdict.action()).isEqualTo(Action.SCAN_FAILED);
            assertThat(verdict.problem()).isEqualTo(ScanProblem.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(scanner.inFlight()).isZero();
        }
    }

    @Test
    void timesOutWhenTheReplyStopsHalfway() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (StubHttpServer server = new StubHttpServer(exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"action\":".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitQuietly(never);
        })) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(server.uri())
                    .withTimeout(Duration.ofMillis(500)));
            assertThat(scan(scanner, plain()).problem()).isEqualTo(ScanProblem.TIMEOUT);
            never.countDown();
        }
    }

    @Test
    void connectionRefusedIsUnreachable() {
        ScanVerdict verdict = scan(scanner(URI.create("http://127.0.0.1:" + FreePorts.next())), plain());
        assertThat(verdict.action()).isEqualTo(Action.SCAN_FAILED);
        assertThat(verdict.problem()).isEqualTo(ScanProblem.UNREACHABLE);
    }

    @Test
    void connectionClosedWithoutAReplyIsUnreachable() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                try (Socket socket = rude.accept()) {
                    socket.getInputStream().read();
                } catch (IOException e) {
                    // the test sees the outcome
                }
            });
            closer.start();
            ScanVerdict verdict = scan(scanner(URI.create("http://127.0.0.1:" + rude.getLocalPort())), plain());
            assertThat(verdict.problem()).isEqualTo(ScanProblem.UNREACHABLE);
            closer.join(5000);
        }
    }

    @Test
    void garbageIsABadReply() {
        try (StubHttpServer server = StubHttpServer.answering(200, "<html>not json</html>")) {
            ScanVerdict verdict = scan(scanner(server.uri()), plain());
            assertThat(verdict.action()).isEqualTo(Action.SCAN_FAILED);
            assertThat(verdict.problem()).isEqualTo(ScanProblem.BAD_REPLY);
        }
    }

    @Test
    void jsonWithoutAnActionIsABadReply() {
        try (StubHttpServer server = StubHttpServer.answering(200, "{\"score\":1,\"required_score\":15}")) {
            assertThat(scan(scanner(server.uri()), plain()).problem()).isEqualTo(ScanProblem.BAD_REPLY);
        }
    }

    @Test
    void httpErrorCarriesRspamdsErrorText() {
        try (StubHttpServer server = StubHttpServer.answering(500, "{\"error\":\"invalid command\"}")) {
            ScanVerdict verdict = scan(scanner(server.uri()), plain());
            assertThat(verdict.problem()).isEqualTo(ScanProblem.HTTP_ERROR);
            assertThat(verdict.message()).contains("500").contains("invalid command");
        }
    }

    @Test
    void replyDeclaredLargerThanTheBoundIsCutOff() {
        try (StubHttpServer server = StubHttpServer.answering(200, OK_REPLY + " ".repeat(5000))) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(server.uri()).withMaxReplyBytes(4096));
            assertThat(scan(scanner, plain()).problem()).isEqualTo(ScanProblem.REPLY_TOO_LARGE);
        }
    }

    @Test
    void chunkedReplyGrowingPastTheBoundIsCutOff() {
        try (StubHttpServer server = new StubHttpServer(exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: no length announced
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 64; i++) {
                    out.write(" ".repeat(1024).getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        })) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(server.uri()).withMaxReplyBytes(8192));
            assertThat(scan(scanner, plain()).problem()).isEqualTo(ScanProblem.REPLY_TOO_LARGE);
        }
    }

    @Test
    void beyondTheConcurrencyBoundIsBusyAtOnceAndThePermitsComeBack() {
        CountDownLatch release = new CountDownLatch(1);
        try (StubHttpServer server = new StubHttpServer(exchange -> {
            awaitQuietly(release);
            StubHttpServer.respond(exchange, 200, OK_REPLY.getBytes(StandardCharsets.US_ASCII));
        })) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(server.uri()).withMaxConcurrentScans(2));
            Uni<ScanVerdict> first = scanner.scan(plain()).memoize().indefinitely();
            Uni<ScanVerdict> second = scanner.scan(plain()).memoize().indefinitely();
            first.subscribe().with(v -> { });
            second.subscribe().with(v -> { });
            await().atMost(WAIT).until(() -> server.received().size() == 2);

            ScanVerdict third = scanner.scan(plain()).await().atMost(Duration.ofSeconds(1));
            assertThat(third.action()).isEqualTo(Action.SCAN_FAILED);
            assertThat(third.problem()).isEqualTo(ScanProblem.BUSY);
            assertThat(server.received()).hasSize(2);

            release.countDown();
            assertThat(first.await().atMost(WAIT).action()).isEqualTo(Action.ACCEPT);
            assertThat(second.await().atMost(WAIT).action()).isEqualTo(Action.ACCEPT);
            await().atMost(WAIT).until(() -> scanner.inFlight() == 0);
            assertThat(scan(scanner, plain()).action()).isEqualTo(Action.ACCEPT);
        }
    }

    @Test
    void cancellingAScanGivesItsPermitBack() {
        CountDownLatch release = new CountDownLatch(1);
        try (StubHttpServer server = new StubHttpServer(exchange -> awaitQuietly(release))) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(server.uri()).withMaxConcurrentScans(1));
            Cancellable pending = scanner.scan(plain()).subscribe().with(v -> { });
            await().atMost(WAIT).until(() -> server.received().size() == 1);
            assertThat(scanner.inFlight()).isEqualTo(1);
            pending.cancel();
            assertThat(scanner.inFlight()).isZero();
            release.countDown();
        }
    }

    @Test
    void envelopeTravelsInRspamdsRequestHeaders() throws Exception {
        try (StubHttpServer server = StubHttpServer.answering(200, OK_REPLY)) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(server.uri()).withSettingsId("inbound"));
            byte[] message = ContentScannerContract.message("headers", "body");
            ScanVerdict verdict = scan(scanner, new ScanRequest(message, InetAddress.getByName("2001:db8::1"),
                    "mx.example.org", "alice@example.org", List.of("bob@example.net", "carol@example.net"), "alice",
                    "Q42"));

            assertThat(verdict.action()).isEqualTo(Action.ACCEPT);
            StubHttpServer.Received received = server.received().get(0);
            assertThat(received.body()).isEqualTo(message);
            assertThat(received.headers().getFirst("IP")).isEqualTo("2001:db8:0:0:0:0:0:1");
            assertThat(received.headers().getFirst("Helo")).isEqualTo("mx.example.org");
            assertThat(received.headers().getFirst("From")).isEqualTo("alice@example.org");
            assertThat(received.headers().get("Rcpt")).containsExactly("bob@example.net", "carol@example.net");
            assertThat(received.headers().getFirst("Queue-Id")).isEqualTo("Q42");
            assertThat(received.headers().getFirst("User")).isEqualTo("alice");
            assertThat(received.headers().getFirst("Settings-Id")).isEqualTo("inbound");
        }
    }

    @Test
    void nullSenderIsSentAsEmptyPathAndAbsentUserIsNotSent() {
        try (StubHttpServer server = StubHttpServer.answering(200, OK_REPLY)) {
            scan(scanner(server.uri()), new ScanRequest("x".getBytes(), InetAddress.getLoopbackAddress(), "h", "",
                    List.of("b@example.net"), null, "Q1"));
            StubHttpServer.Received received = server.received().get(0);
            assertThat(received.headers().getFirst("From")).isEqualTo("<>");
            assertThat(received.headers().containsKey("User")).isFalse();
            assertThat(received.headers().containsKey("Settings-Id")).isFalse();
        }
    }

    @Test
    void headerValuesThatCannotTravelAreLeftOutNotInjected() {
        try (StubHttpServer server = StubHttpServer.answering(200, OK_REPLY)) {
            ScanVerdict verdict = scan(scanner(server.uri()), new ScanRequest("x".getBytes(),
                    InetAddress.getLoopbackAddress(), "evil\r\nX-Injected: yes", "\u00e4@example.org",
                    List.of("ok@example.net", "bad\n@example.net", "x".repeat(2000)), "u\r\n", "Q1"));
            assertThat(verdict.action()).isEqualTo(Action.ACCEPT);
            StubHttpServer.Received received = server.received().get(0);
            assertThat(received.headers().containsKey("X-Injected")).isFalse();
            assertThat(received.headers().containsKey("Helo")).isFalse();
            assertThat(received.headers().containsKey("From")).isFalse();
            assertThat(received.headers().containsKey("User")).isFalse();
            assertThat(received.headers().get("Rcpt")).containsExactly("ok@example.net");
        }
    }

    @Test
    void messageOverTheLimitIsNeverSent() {
        try (StubHttpServer server = StubHttpServer.answering(200, OK_REPLY)) {
            RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(server.uri()).withMaxMessageBytes(10));
            ScanVerdict verdict = scan(scanner, ContentScannerContract.request("more than ten bytes"));
            assertThat(verdict.action()).isEqualTo(Action.SKIPPED);
            assertThat(server.received()).isEmpty();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
