package org.securemail.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.queue.QueueCommand;
import org.securemail.common.queue.QueueCommand.Kind;

/** What a record that comes up is told to do under the operators' commands (ADR 0084). */
class QueueControlsTest {

    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");
    private final List<String> retried = new ArrayList<>();
    private final QueueControls controls = new QueueControls(retried::add);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private static QueueCommand command(Kind kind, String target, Instant at) {
        return new QueueCommand(kind, target, "why", "api-key:x", at, "a1");
    }

    private QueueControls.Directive decide(String queueId, String domain, Instant writtenAt, Instant dueAt) {
        return controls.decide(queueId, Set.of(domain), writtenAt, dueAt, T);
    }

    @Test
    void withoutCommandsARecordWaitsForItsDueTime() {
        assertThat(decide("Q1", "a.example", T.minusSeconds(60), T.plusSeconds(240)))
                .isEqualTo(new QueueControls.Wait(T.plusSeconds(240)));
        assertThat(decide("Q1", "a.example", T.minusSeconds(60), null)).isInstanceOf(QueueControls.Go.class);
        assertThat(decide("Q1", "a.example", T.minusSeconds(600), T.minusSeconds(1))).isInstanceOf(QueueControls.Go.class);
    }

    @Test
    void retryDestinationReleasesOnlyRecordsWrittenBeforeItAndEndsTheSuspension() {
        controls.apply("retry/a.example", command(Kind.RETRY_DESTINATION, "a.example", T));
        assertThat(retried).containsExactly("a.example");
        assertThat(decide("Q1", "a.example", T.minusSeconds(60), T.plusSeconds(240))).isInstanceOf(QueueControls.Go.class);
        // deferred again after the command: the normal schedule
        assertThat(decide("Q2", "a.example", T.plusSeconds(1), T.plusSeconds(240)))
                .isInstanceOf(QueueControls.Wait.class);
        // another destination's record written before the command moves out of the way, once
        assertThat(decide("Q3", "b.example", T.minusSeconds(60), T.plusSeconds(240)))
                .isInstanceOf(QueueControls.Requeue.class);
        assertThat(decide("Q3", "b.example", T.plusSeconds(2), T.plusSeconds(300)))
                .isInstanceOf(QueueControls.Wait.class);
    }

    @Test
    void holdWinsOverDueTimesAndReleaseMakesTheMessageDue() {
        controls.apply("hold/Q1", command(Kind.HOLD, "Q1", T.minusSeconds(10)));
        assertThat(decide("Q1", "a.example", T.minusSeconds(60), null)).isInstanceOf(QueueControls.Hold.class);
        assertThat(decide("Q2", "a.example", T.minusSeconds(60), T.plusSeconds(60)))
                .as("a hold moves nothing else").isInstanceOf(QueueControls.Wait.class);
        // a held record back on its tier waits for its due time there (it is not held again and again in a loop),
        // and a retry-now of its destination does not release it
        assertThat(decide("Q1", "a.example", T.minusSeconds(1), T.plusSeconds(3600)))
                .isEqualTo(new QueueControls.Wait(T.plusSeconds(3600)));
        controls.apply("retry/a.example", command(Kind.RETRY_DESTINATION, "a.example", T));
        assertThat(decide("Q1", "a.example", T.minusSeconds(1), T.plusSeconds(3600)))
                .isInstanceOf(QueueControls.Requeue.class);
        assertThat(decide("Q1", "a.example", T.plusSeconds(1), T.plusSeconds(3600)))
                .isInstanceOf(QueueControls.Wait.class);
        controls.apply("hold/Q1", command(Kind.RELEASE, "Q1", T.plusSeconds(2)));
        assertThat(decide("Q1", "a.example", T.plusSeconds(1), T.plusSeconds(3600))).isInstanceOf(QueueControls.Go.class);
        controls.apply("hold/Q1", null);
        assertThat(decide("Q1", "a.example", T.plusSeconds(1), T.plusSeconds(3600)))
                .as("a tombstone ends the release").isInstanceOf(QueueControls.Wait.class);
    }

    @Test
    void aReleaseOrADeleteMovesEveryEarlierRecordThatWaits() {
        // one consumer reads every partition of a tier in turn: a waiting record on any partition blocks the released one
        controls.apply("hold/Q1", command(Kind.RELEASE, "Q1", T));
        assertThat(controls.decide("Q2", Set.of("a.example"), T.minusSeconds(5), T.plusSeconds(60), T))
                .isInstanceOf(QueueControls.Requeue.class);
        assertThat(controls.decide("Q2", Set.of("a.example"), T.plusSeconds(5), T.plusSeconds(60), T))
                .as("written after the release").isInstanceOf(QueueControls.Wait.class);
        assertThat(controls.decide("Q2", Set.of("a.example"), T.minusSeconds(5), T.minusSeconds(1), T))
                .as("due").isInstanceOf(QueueControls.Go.class);
        controls.apply("delete/Q3", command(Kind.DELETE, "Q3", T.plusSeconds(10)));
        assertThat(controls.decide("Q4", Set.of("a.example"), T.plusSeconds(5), T.plusSeconds(60), T))
                .isInstanceOf(QueueControls.Requeue.class);
        controls.apply("hold/Q5", command(Kind.HOLD, "Q5", T.plusSeconds(20)));
        assertThat(controls.decide("Q6", Set.of("a.example"), T.plusSeconds(15), T.plusSeconds(60), T))
                .as("a hold releases nothing").isInstanceOf(QueueControls.Wait.class);
    }

    @Test
    void deleteWinsOverEverything() {
        controls.apply("hold/Q1", command(Kind.HOLD, "Q1", T.minusSeconds(10)));
        controls.apply("delete/Q1", command(Kind.DELETE, "Q1", T));
        assertThat(decide("Q1", "a.example", T.plusSeconds(5), T.plusSeconds(3600)))
                .isInstanceOf(QueueControls.Delete.class);
    }

    @Test
    void aCommandWakesTheRecordsWaitingForTheirDueTime() throws Exception {
        CompletableFuture<Void> sleeping = controls.sleep(Instant.now().plusSeconds(3600), timers);
        controls.apply("hold/Q9", command(Kind.HOLD, "Q9", Instant.now()));
        assertThat(sleeping).as("a hold releases nothing").isNotDone();
        controls.apply("retry/a.example", command(Kind.RETRY_DESTINATION, "a.example", Instant.now()));
        sleeping.get(5, TimeUnit.SECONDS);
        assertThat(controls.waitingCount()).isZero();
    }
}
