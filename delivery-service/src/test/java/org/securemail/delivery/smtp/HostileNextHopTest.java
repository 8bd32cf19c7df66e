package org.securemail.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.TlsPolicy;

/**
 * Next hops are strangers (issue 12, items 3 and 6): a server that streams continuation lines for ever must not grow
 * delivery's heap, and a peer that is not an SMTP server must not have its bytes repeated into the tracking timeline.
 * Each case is a real TCP peer on loopback.
 */
class HostileNextHopTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private Vertx vertx;
    private VertxSmtpTransport client;
    private ServerSocket server;
    /** Counted down when the peer sees the client close the connection (its read ends or its write fails). */
    private final CountDownLatch clientHungUp = new CountDownLatch(1);

    @FunctionalInterface
    private interface Script {
        void run(BufferedReader in, OutputStream out) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        vertx = Vertx.vertx();
        client = new VertxSmtpTransport(vertx, TestSmtpSettings.defaults(), "client.test");
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Serves one connection with {@code script} on a thread of its own. */
    private void serve(Script script) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                script.run(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)),
                        s.getOutputStream());
            } catch (IOException e) {
                clientHungUp.countDown(); // the client closed the connection under the script's feet
            }
        }, "hostile-next-hop");
        t.setDaemon(true);
        t.start();
    }

    private AttemptResult deliver() {
        NextHopAddress hop = new NextHopAddress("hostile.test", "127.0.0.1", server.getLocalPort(), TlsPolicy.NONE);
        Transaction tx = new Transaction("sender@origin.test", List.of("a@dest.test"),
                MessageContent.of("Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        return client.deliver(List.of(hop), tx).await().atMost(WAIT).results().get("a@dest.test");
    }

    private static void line(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void aGreetingThatNeverEndsIsCutOffNotBuffered() {
        serve((in, out) -> {
            while (true) {
                line(out, "220-still greeting you " + "x".repeat(100));
            }
        });

        AttemptResult result = deliver();

        assertThat(result.kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        // cut at the reply bound, not left to grow until the 5 s greeting timeout
        assertThat(result.reply()).contains("reply too long").doesNotContain("timed out");
        assertThat(awaitHangUp()).isTrue();
    }

    @Test
    void aPeerThatIsNotAnSmtpServerShowsAsNoGreetingNeverItsBytes() {
        serve((in, out) -> {
            line(out, "SSH-2.0-OpenSSH_9.6p1 Debian-4");
            in.readLine(); // holds the connection until the client goes
        });

        AttemptResult result = deliver();

        assertThat(result.kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(result.reply()).contains("no SMTP greeting").doesNotContain("SSH").doesNotContain("OpenSSH");
    }

    @Test
    void aLongButBoundedEhloReplyIsStillUnderstood() {
        serve((in, out) -> {
            line(out, "220 hostile.test ESMTP");
            in.readLine(); // EHLO
            for (int i = 0; i < SmtpConnection.MAX_REPLY_LINES - 2; i++) {
                line(out, "250-X-EXTENSION-" + i);
            }
            line(out, "250 8BITMIME");
            acceptOneMessage(in, out);
            in.readLine(); // QUIT or the connection cache closing
        });

        assertThat(deliver().kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
    }

    @Test
    void repliesNobodyAskedForAreCutOffNotBufferedWhileTheConnectionIdlesInTheCache() {
        serve((in, out) -> {
            line(out, "220 hostile.test ESMTP");
            in.readLine(); // EHLO
            line(out, "250 hostile.test");
            acceptOneMessage(in, out);
            // the connection now idles in the client's cache (30 s here): flood it with replies to nothing
            while (true) {
                line(out, "250 2.0.0 unsolicited " + "y".repeat(100));
            }
        });

        assertThat(deliver().kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        // cut at the bound on unread replies, long before the cache's idle time would close it
        assertThat(awaitHangUp()).isTrue();
    }

    /** MAIL, RCPT and DATA of one message, each answered as a well-behaved server does. */
    private static void acceptOneMessage(BufferedReader in, OutputStream out) throws IOException {
        in.readLine(); // MAIL
        line(out, "250 2.1.0 Ok");
        in.readLine(); // RCPT
        line(out, "250 2.1.5 Ok");
        in.readLine(); // DATA
        line(out, "354 go ahead");
        String l;
        while ((l = in.readLine()) != null && !l.equals(".")) {
            // the message
        }
        line(out, "250 2.0.0 Ok: queued");
    }

    /** The peer saw the client close the connection (its read ended or its write failed). */
    private boolean awaitHangUp() {
        try {
            return clientHungUp.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
