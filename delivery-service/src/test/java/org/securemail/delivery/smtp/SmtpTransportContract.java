package org.securemail.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * What every {@link SmtpTransport} must do, run by the real client ({@link VertxSmtpTransportContractTest}, against
 * a real TCP server) and by the in-memory fake ({@link FakeSmtpTransportTest}).
 */
interface SmtpTransportContract {

    Duration WAIT = Duration.ofSeconds(20);

    SmtpTransport transport();

    /** A next hop that answers RCPT with {@code rcptReply} and accepts the data. */
    NextHopAddress liveHop(Function<String, String> rcptReply);

    /** A next hop nobody answers on. */
    NextHopAddress deadHop();

    /** Recipients whose message the hop accepted. */
    List<String> deliveredTo(NextHopAddress hop);

    private static Transaction tx(String... recipients) {
        return new Transaction("sender@origin.test", List.of(recipients),
                MessageContent.of("Subject: contract\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    default void deliversToEveryAcceptedRecipient() {
        NextHopAddress hop = liveHop(r -> "250 2.1.5 Ok");

        SessionResult result = transport().deliver(List.of(hop), tx("a@d.test", "b@d.test")).await().atMost(WAIT);

        assertThat(result.connected()).isTrue();
        assertThat(result.results().values()).extracting(AttemptResult::kind)
                .containsOnly(AttemptResult.Kind.SUCCESS);
        assertThat(deliveredTo(hop)).containsExactlyInAnyOrder("a@d.test", "b@d.test");
    }

    @Test
    default void givesEachRecipientItsOwnResult() {
        NextHopAddress hop = liveHop(r -> r.startsWith("no") ? "550 5.1.1 unknown"
                : r.startsWith("later") ? "451 4.2.0 later" : "250 2.1.5 Ok");

        SessionResult result = transport().deliver(List.of(hop), tx("ok@d.test", "no@d.test", "later@d.test"))
                .await().atMost(WAIT);

        assertThat(result.results().get("ok@d.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(result.results().get("no@d.test").kind()).isEqualTo(AttemptResult.Kind.PERMANENT_FAILURE);
        assertThat(result.results().get("no@d.test").status()).isEqualTo("5.1.1");
        assertThat(result.results().get("later@d.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(deliveredTo(hop)).containsExactly("ok@d.test");
    }

    @Test
    default void reportsAConnectionFailureWhenNoHopAnswers() {
        SessionResult result = transport().deliver(List.of(deadHop()), tx("a@d.test")).await().atMost(WAIT);

        assertThat(result.connected()).isFalse();
        assertThat(result.results().get("a@d.test").kind()).isEqualTo(AttemptResult.Kind.TEMPORARY_FAILURE);
        assertThat(result.results().get("a@d.test").remoteHost()).isNull();
    }

    @Test
    default void triesTheNextHopWhenOneIsDead() {
        NextHopAddress live = liveHop(r -> "250 2.1.5 Ok");

        SessionResult result = transport().deliver(List.of(deadHop(), live), tx("a@d.test")).await().atMost(WAIT);

        assertThat(result.results().get("a@d.test").kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(result.results().get("a@d.test").remoteHost()).isEqualTo(live.display());
        assertThat(result.tried()).hasSize(2);
    }
}
