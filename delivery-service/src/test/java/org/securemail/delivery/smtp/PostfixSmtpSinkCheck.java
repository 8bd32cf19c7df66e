package org.securemail.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.testing.FreePorts;

/**
 * What a real receiver stores when delivery sends a record that carries a fake end of message (issue 18): Postfix's
 * {@code smtp-sink} dumps every transaction to its own file ({@code -d}), and each dump must be, byte for byte, the
 * one message we meant, with the smuggled commands as its text, no NUL and no second transaction.
 *
 * <p>Not part of {@code ./mvnw verify} (the suite needs nothing but a JDK; this needs Debian's postfix):
 * {@code deploy/checks/smtp-smuggling} installs postfix when it is missing and runs this class. The suite's own
 * byte-level check of the same wire form is {@link MessageContentTest}.
 */
class PostfixSmtpSinkCheck {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SMUGGLED = "MAIL FROM:<admin@victim.test>\r\nRCPT TO:<victim@victim.test>\r\nDATA\r\n"
            + "Subject: forged\r\n\r\nforged\r\n";

    private static Path dumps;
    private static Process sink;
    private static int port;
    private static Vertx vertx;
    private static VertxSmtpTransport client;

    @BeforeAll
    static void startSmtpSink() throws IOException {
        String binary = System.getProperty("smtp-sink", "/usr/sbin/smtp-sink");
        dumps = Files.createTempDirectory("smtp-sink-dumps");
        port = FreePorts.next();
        sink = new ProcessBuilder(binary, "-d", dumps + "/%M.", "-u", System.getProperty("user.name"),
                "127.0.0.1:" + port, "10").redirectErrorStream(true)
                .redirectOutput(dumps.resolveSibling(dumps.getFileName() + ".log").toFile()).start();
        await().atMost(WAIT).until(() -> listening(port));
        vertx = Vertx.vertx();
        client = new VertxSmtpTransport(vertx, TestSmtpSettings.defaults(), "client.test");
    }

    @AfterAll
    static void stop() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        sink.destroy();
    }

    /** Every fake end of hannob's smtpsmug, as a record on the input topic could hold it. */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\r.\n", "\n.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r",
            "\r\n\0.\r\n", "\r\n.\0\r\n"})
    void theReceiverStoresOneMessageWithTheSmuggledCommandsAsText(String fakeEnd) throws Exception {
        String marker = "smuggle-" + Integer.toHexString(fakeEnd.hashCode()) + "-" + System.nanoTime();
        byte[] raw = ("Subject: " + marker + "\r\n\r\nbody" + fakeEnd + SMUGGLED).getBytes(StandardCharsets.ISO_8859_1);
        long before = dumpCount();

        SessionResult result = client.deliver(List.of(new NextHopAddress("localhost", "127.0.0.1", port, TlsPolicy.NONE)),
                new Transaction("sender@origin.test", List.of("rcpt@dest.test"), MessageContent.of(raw)))
                .await().atMost(WAIT);
        assertThat(result.results().get("rcpt@dest.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);

        await().atMost(WAIT).until(() -> dumpCount() == before + 1);
        List<Path> mine = dumpsContaining(marker);
        assertThat(mine).hasSize(1);
        byte[] dump = Files.readAllBytes(mine.get(0));
        // smtp-sink's dump: its own headers and Received line, then the message as received (dot-unstuffed, one LF
        // per line), then an empty line. What follows our Subject must be exactly the canonical text.
        String expected = "Subject: " + marker + "\n\nbody\n.\nMAIL FROM:<admin@victim.test>\nRCPT TO:<victim@victim.test>\n"
                + "DATA\nSubject: forged\n\nforged\n\n";
        String text = new String(dump, StandardCharsets.ISO_8859_1);
        assertThat(text.substring(text.indexOf("Subject: " + marker))).isEqualTo(expected);
        assertThat(dump).doesNotContain((byte) 0).doesNotContain((byte) '\r');
        assertThat(text).contains("X-Rcpt-Args: <rcpt@dest.test>\n").doesNotContain("X-Rcpt-Args: <victim@victim.test>");
    }

    private static long dumpCount() throws IOException {
        try (Stream<Path> files = Files.list(dumps)) {
            return files.count();
        }
    }

    private static List<Path> dumpsContaining(String marker) throws IOException {
        try (Stream<Path> files = Files.list(dumps)) {
            return files.filter(f -> read(f).contains(marker)).toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
