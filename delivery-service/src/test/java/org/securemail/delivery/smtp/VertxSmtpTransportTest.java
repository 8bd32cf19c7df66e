package org.securemail.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.FreePorts;

/** The SMTP client against a real TCP server (the scriptable {@link SmtpSink}). */
class VertxSmtpTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private Vertx vertx;
    private SmtpSink sink;
    private VertxSmtpTransport client;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        sink = SmtpSink.start();
        client = new VertxSmtpTransport(vertx, TestSmtpSettings.defaults(), "client.test");
    }

    @AfterEach
    void stop() {
        client.close();
        sink.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private NextHopAddress hop(TlsPolicy tls) {
        return new NextHopAddress("localhost", "127.0.0.1", sink.port(), tls);
    }

    private static Transaction tx(String message, String... recipients) {
        return new Transaction("sender@origin.test", List.of(recipients),
                MessageContent.of(message.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String MESSAGE = "From: a@origin.test\r\nSubject: hi\r\n\r\nbody\r\n";

    @Test
    void readsRepliesPerRecipientWithPipelining() {
        sink.rcptReply = r -> r.startsWith("gone") ? "550 5.1.1 no such user"
                : r.startsWith("full") ? "452 4.2.2 mailbox full" : "250 2.1.5 Ok";
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.NONE)),
                tx(MESSAGE, "ok@dest.test", "gone@dest.test", "full@dest.test")).await().atMost(WAIT);

        assertThat(result.results().get("ok@dest.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(result.results().get("ok@dest.test").reply()).startsWith("250 2.0.0");
        assertThat(result.results().get("gone@dest.test").kind()).isEqualTo(AttemptResult.Kind.PERMANENT_FAILURE);
        assertThat(result.results().get("gone@dest.test").status()).isEqualTo("5.1.1");
        assertThat(result.results().get("full@dest.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(result.connected()).isTrue();
        assertThat(sink.received).hasSize(1);
        assertThat(sink.received.get(0).recipients()).containsExactly("ok@dest.test");
        assertThat(sink.commands).anyMatch(c -> c.startsWith("MAIL FROM:<sender@origin.test> SIZE="));
    }

    @Test
    void waitsForEachReplyWhenPipeliningIsNotOffered() {
        sink.pipelining = false;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.NONE)),
                tx(MESSAGE, "a@dest.test", "b@dest.test", "c@dest.test")).await().atMost(WAIT);

        assertThat(result.results().values()).allMatch(r -> r.kind() == AttemptResult.Kind.SUCCESS);
        assertThat(sink.unexpectedPipelining.get()).isZero();
        assertThat(sink.received.get(0).recipients()).containsExactly("a@dest.test", "b@dest.test", "c@dest.test");
    }

    @Test
    void fallsBackToHeloWhenEhloIsRejected() {
        sink.ehlo = false;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.OPPORTUNISTIC)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(sink.commands).anyMatch(c -> c.equals("HELO client.test"));
        assertThat(sink.commands).noneMatch(c -> c.contains("SIZE="));
    }

    @Test
    void dotStuffsLinesStartingWithADotAndNormalisesLineEnds() {
        String message = "Subject: dots\n\n.hidden line\n..two dots\nlast line without newline";
        client.deliver(List.of(hop(TlsPolicy.NONE)), tx(message, "a@dest.test")).await().atMost(WAIT);

        assertThat(sink.received).hasSize(1);
        assertThat(sink.received.get(0).data())
                .isEqualTo("Subject: dots\r\n\r\n.hidden line\r\n..two dots\r\nlast line without newline\r\n");
    }

    @Test
    void bouncesAMessageLargerThanTheAdvertisedSizeWithoutSendingIt() {
        sink.sizeLimit = 20;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.PERMANENT_FAILURE);
        assertThat(result.results().get("a@dest.test").status()).isEqualTo("5.3.4");
        assertThat(sink.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void usesStartTlsWhenOffered() {
        sink.starttls = true;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.OPPORTUNISTIC)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(sink.received.get(0).tls()).isTrue();
    }

    @Test
    void deliversInPlainTextWhenStartTlsIsNotOfferedAndTlsIsOpportunistic() {
        sink.starttls = false;
        client.deliver(List.of(hop(TlsPolicy.OPPORTUNISTIC)), tx(MESSAGE, "a@dest.test")).await().atMost(WAIT);

        assertThat(sink.received.get(0).tls()).isFalse();
    }

    @Test
    void fallsBackToPlainTextWhenAnOpportunisticHandshakeFails() {
        sink.starttls = true;
        sink.brokenTls = true;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.OPPORTUNISTIC)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(sink.received.get(0).tls()).isFalse();
        assertThat(sink.connections.get()).isEqualTo(2);
    }

    @Test
    void neverFallsBackToPlainTextWhenTlsIsRequired() {
        sink.starttls = true;
        sink.brokenTls = true;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.REQUIRED)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(sink.received).isEmpty();
    }

    @Test
    void defersWhenTlsIsRequiredButNotOffered() {
        sink.starttls = false;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.REQUIRED)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(result.results().get("a@dest.test").reply()).contains("4.7.5");
        assertThat(sink.received).isEmpty();
    }

    @Test
    void requiredTlsChecksTheCertificateAgainstTheHostName() {
        sink.starttls = true;
        VertxSmtpTransport verifying = new VertxSmtpTransport(vertx,
                TestSmtpSettings.defaults().withTrust(SmtpSink.certificatePem().toString()), "client.test");
        try {
            SessionResult good = verifying.deliver(List.of(hop(TlsPolicy.REQUIRED)), tx(MESSAGE, "a@dest.test"))
                    .await().atMost(WAIT);
            SessionResult wrongName = verifying.deliver(
                    List.of(new NextHopAddress("mx.other.test", "127.0.0.1", sink.port(), TlsPolicy.REQUIRED)),
                    tx(MESSAGE, "b@dest.test")).await().atMost(WAIT);

            assertThat(good.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
            assertThat(wrongName.results().get("b@dest.test").kind())
                    .isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
            assertThat(wrongName.results().get("b@dest.test").reply()).contains("4.7.5");
            assertThat(sink.recipients()).containsExactly("a@dest.test");
        } finally {
            verifying.close();
        }
    }

    @Test
    void requiredTlsRejectsAnUntrustedCertificate() {
        sink.starttls = true;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.REQUIRED)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(sink.received).isEmpty();
    }

    @Test
    void triesTheNextAddressWhenTheFirstRefusesConnections() {
        NextHopAddress dead = new NextHopAddress("mx1.dest.test", "127.0.0.1", FreePorts.next(), TlsPolicy.NONE);
        SessionResult result = client.deliver(List.of(dead, hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(result.tried()).hasSize(2);
        assertThat(sink.received).hasSize(1);
    }

    @Test
    void reportsAConnectionFailureWhenNoAddressAnswers() {
        NextHopAddress dead = new NextHopAddress("mx1.dest.test", "127.0.0.1", FreePorts.next(), TlsPolicy.NONE);
        SessionResult result = client.deliver(List.of(dead), tx(MESSAGE, "a@dest.test")).await().atMost(WAIT);

        assertThat(result.connected()).isFalse();
        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(result.results().get("a@dest.test").reply()).contains("4.4.1").contains("connect to");
    }

    /** Issue 12: the sink greets as {@code sink.test}; configured as one of our own names, it is the suite itself. */
    @Test
    void aNextHopThatGreetsWithOurOwnNameIsAMailLoopAndBounces() {
        VertxSmtpTransport self = new VertxSmtpTransport(vertx,
                TestSmtpSettings.defaults().withOwnNames("mx.securemail.test", "SINK.test"), "client.test");
        try {
            SessionResult result = self.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test"))
                    .await().atMost(WAIT);

            assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.PERMANENT_FAILURE);
            assertThat(result.results().get("a@dest.test").reply()).startsWith("554 5.4.6").contains("loops back to myself");
            assertThat(sink.commands).noneMatch(c -> c.startsWith("MAIL FROM"));
            assertThat(sink.received).isEmpty();
        } finally {
            self.close();
        }
    }

    @Test
    void timesOutAStalledGreeting() {
        sink.stall = true;
        VertxSmtpTransport impatient = new VertxSmtpTransport(vertx,
                TestSmtpSettings.defaults().withGreetingTimeout(Duration.ofMillis(300)), "client.test");
        try {
            SessionResult result = impatient.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test"))
                    .await().atMost(WAIT);

            assertThat(result.connected()).isFalse();
            assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
            assertThat(result.results().get("a@dest.test").reply()).contains("timed out");
        } finally {
            impatient.close();
        }
    }

    @Test
    void aDroppedConnectionDefersTheRecipients() {
        sink.dropAfterRcpt = true;
        SessionResult result = client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("a@dest.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(sink.received).isEmpty();
    }

    @Test
    void reusesTheConnectionForTheNextMessage() {
        client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test")).await().atMost(WAIT);
        client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "b@dest.test")).await().atMost(WAIT);

        assertThat(sink.received).hasSize(2);
        assertThat(sink.connections.get()).isEqualTo(1);
    }

    /**
     * ADR 0093: an idle session holds one of the receiver's connection slots, so it is closed (QUIT) once idle for
     * {@code connection-idle-time}; the next message opens a new one.
     */
    @Test
    void closesASessionIdleForTheIdleTimeAndOpensANewOneForTheNextMessage() {
        client.close();
        client = new VertxSmtpTransport(vertx, TestSmtpSettings.defaults().withConnectionIdleTime(Duration.ofSeconds(3)),
                "client.test");
        client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test")).await().atMost(WAIT);
        assertThat(client.idleConnections()).as("kept for reuse first").isEqualTo(1);

        await().atMost(WAIT).until(() -> client.idleConnections() == 0
                && sink.commands.stream().anyMatch(c -> c.equalsIgnoreCase("QUIT")));
        client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "b@dest.test")).await().atMost(WAIT);

        assertThat(sink.received).hasSize(2);
        assertThat(sink.connections.get()).isEqualTo(2);
    }

    @Test
    void reconnectsWhenTheCachedConnectionWasClosedByTheServer() {
        client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "a@dest.test")).await().atMost(WAIT);
        sink.dropAfterRcpt = false;
        // the server side closes every idle connection
        sink.closeOpenConnections();
        SessionResult second = client.deliver(List.of(hop(TlsPolicy.NONE)), tx(MESSAGE, "b@dest.test"))
                .await().atMost(WAIT);

        assertThat(second.results().get("b@dest.test").reply()).startsWith("250");
        assertThat(sink.recipients()).containsExactly("a@dest.test", "b@dest.test");
    }
}
