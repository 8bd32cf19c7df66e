package org.securemail.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.observe.MessageLog;
import org.securemail.testing.LogCapture;

/** The INFO line per delivery attempt: one per group of recipients with the same result, the queue id in the MDC. */
class AttemptLogTest {

    private static final Instant RECEIVED = Instant.parse("2026-12-08T10:00:00Z");

    private static WorkItem item(String queueId, int attempt) {
        MailEnvelope envelope = new MailEnvelope(queueId, "alice@origin.test", List.of("bob@dest.test"), "192.0.2.1",
                "client.test", null, null, "t1", Direction.OUTBOUND, RECEIVED, 10);
        return new WorkItem(queueId, envelope, "Subject: secret\r\n\r\nbody".getBytes(), attempt, null, RECEIVED,
                false);
    }

    @Test
    void writesOneLinePerGroupWithRelayAttemptDelayDsnAndReply() {
        try (LogCapture log = LogCapture.of(AttemptLog.CATEGORY)) {
            AttemptLog.log(item("QATTEMPT1", 2), List.of(
                    new AttemptLog.Line("bob@dest.test", Outcome.DELIVERED, "mx.dest.test[192.0.2.25]:25", "2.0.0",
                            "250 2.0.0 Ok: queued as X1", null),
                    new AttemptLog.Line("carol@dest.test", Outcome.DELIVERED, "mx.dest.test[192.0.2.25]:25", "2.0.0",
                            "250 2.0.0 Ok: queued as X1", null),
                    new AttemptLog.Line("dave@dest.test", Outcome.DEFERRED, "mx.dest.test[192.0.2.25]:25", "4.2.2",
                            "452 4.2.2 mailbox full", Instant.parse("2026-12-08T10:10:00Z"))),
                    RECEIVED.plusMillis(1_234));

            assertThat(log.lines()).extracting(LogCapture.Line::message).containsExactly(
                    "QATTEMPT1: to=<bob@dest.test>,<carol@dest.test>, relay=mx.dest.test[192.0.2.25]:25, attempt=2,"
                            + " delay=1.23, dsn=2.0.0, status=delivered (250 2.0.0 Ok: queued as X1)",
                    "QATTEMPT1: to=<dave@dest.test>, relay=mx.dest.test[192.0.2.25]:25, attempt=2, delay=1.23,"
                            + " dsn=4.2.2, status=deferred (452 4.2.2 mailbox full), next=2026-12-08T10:10:00Z");
            assertThat(log.lines()).allSatisfy(line -> {
                assertThat(line.level().getName()).isEqualTo("INFO");
                assertThat(line.mdc(MessageLog.QUEUE_ID)).isEqualTo("QATTEMPT1");
                assertThat(line.message()).doesNotContain("secret").doesNotContain("body");
            });
        }
        // the queue id was in the MDC for those lines only
        assertThat(org.jboss.logging.MDC.get(MessageLog.QUEUE_ID)).isNull();
    }

    @Test
    void saysRelayNoneWhenNoSessionWasMade() {
        try (LogCapture log = LogCapture.of(AttemptLog.CATEGORY)) {
            AttemptLog.log(item("QNOHOP", 1), List.of(new AttemptLog.Line("bob@nowhere.test", Outcome.DEFERRED, null,
                    "4.4.3", "451 4.4.3 DNS lookup failed", RECEIVED.plusSeconds(30))), RECEIVED.plusSeconds(2));

            assertThat(log.lines()).singleElement().extracting(LogCapture.Line::message).asString()
                    .contains("to=<bob@nowhere.test>, relay=none, attempt=1, delay=2.00, dsn=4.4.3,"
                            + " status=deferred (451 4.4.3 DNS lookup failed)");
        }
    }

    @Test
    void boundsWhatAStrangerControls() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < AttemptLog.MAX_RECIPIENTS + 7; i++) {
            many.add("r" + i + "@dest.test");
        }
        assertThat(AttemptLog.recipients(many)).endsWith(" and 7 more").contains("<r49@dest.test>")
                .doesNotContain("<r50@dest.test>");
        String hostile = "550 " + "x".repeat(AttemptLog.MAX_REPLY) + "\u001b[31m";
        assertThat(AttemptLog.bounded(hostile)).hasSize(AttemptLog.MAX_REPLY + 3).endsWith("...");
        assertThat(AttemptLog.bounded("550 5.7.1 no\u001b[31m")).isEqualTo("550 5.7.1 no?[31m");
    }

    @Test
    void delayIsSecondsSinceTheMessageWasAccepted() {
        assertThat(AttemptLog.delay(RECEIVED, RECEIVED.plusMillis(61_509))).isEqualTo("61.50");
        assertThat(AttemptLog.delay(RECEIVED, RECEIVED.minusSeconds(1))).isEqualTo("0.00");
        assertThat(AttemptLog.delay(null, RECEIVED)).isEqualTo("?");
    }
}
