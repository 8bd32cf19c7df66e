package org.securemail.delivery.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.delivery.scheduler.DestinationScheduler.Granted;
import org.securemail.delivery.scheduler.DestinationScheduler.Health;
import org.securemail.delivery.scheduler.DestinationScheduler.Refused;
import org.securemail.delivery.scheduler.DestinationScheduler.Slot;

class DestinationSchedulerTest {

    private final AtomicLong now = new AtomicLong();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final DestinationScheduler scheduler = new DestinationScheduler(2, 2, 3, Duration.ofSeconds(10),
            Duration.ofSeconds(40), Duration.ofMillis(300), timers, now::get);

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    private UniAssertSubscriber<Slot> acquire(String destination) {
        return scheduler.acquire(destination).subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    @Test
    void limitsConcurrentSessionsPerDestinationAndQueuesTheRest() {
        Granted a = (Granted) acquire("d.test").awaitItem().getItem();
        acquire("d.test").awaitItem();
        UniAssertSubscriber<Slot> third = acquire("d.test");

        third.assertNotTerminated();
        assertThat(acquire("other.test").awaitItem().getItem()).isInstanceOf(Granted.class);

        scheduler.release(a, Health.CONNECTED, null);
        assertThat(third.awaitItem().getItem()).isInstanceOf(Granted.class);
    }

    @Test
    void refusesBeyondTheQueueLimitInsteadOfWaiting() {
        acquire("d.test");
        acquire("d.test");
        acquire("d.test");
        acquire("d.test");

        Slot fifth = acquire("d.test").awaitItem().getItem();

        assertThat(fifth).isInstanceOf(Refused.class);
        assertThat(((Refused) fifth).reason()).startsWith("451 4.4.5");
    }

    @Test
    void refusesWorkThatWaitedTooLongForASlotAndKeepsTheSlotCount() {
        Granted a = (Granted) acquire("slow.test").awaitItem().getItem();
        Granted b = (Granted) acquire("slow.test").awaitItem().getItem();

        Slot late = acquire("slow.test").awaitItem(Duration.ofSeconds(5)).getItem();

        assertThat(late).isInstanceOf(Refused.class);
        assertThat(((Refused) late).suspended()).isFalse();
        scheduler.release(a, Health.CONNECTED, null);
        scheduler.release(b, Health.CONNECTED, null);
        assertThat(scheduler.active("slow.test")).isZero();
        assertThat(acquire("slow.test").awaitItem().getItem()).isInstanceOf(Granted.class);
    }

    @Test
    void suspendsADeadDestinationThenLetsOneProbeThrough() {
        for (int i = 0; i < 3; i++) {
            Granted g = (Granted) acquire("dead.test").awaitItem().getItem();
            scheduler.release(g, Health.CONNECT_FAILED, "connect refused");
        }
        assertThat(scheduler.suspended("dead.test")).isTrue();
        Slot refused = acquire("dead.test").awaitItem().getItem();
        assertThat(refused).isInstanceOf(Refused.class);
        assertThat(((Refused) refused).suspended()).isTrue();

        now.addAndGet(Duration.ofSeconds(11).toNanos());
        Granted probe = (Granted) acquire("dead.test").awaitItem().getItem();
        assertThat(probe.probe()).isTrue();
        assertThat(acquire("dead.test").awaitItem().getItem()).as("only one probe at a time").isInstanceOf(Refused.class);

        scheduler.release(probe, Health.CONNECTED, null);
        assertThat(scheduler.suspended("dead.test")).isFalse();
        assertThat(acquire("dead.test").awaitItem().getItem()).isInstanceOf(Granted.class);
    }

    @Test
    void aFailedProbeDoublesTheSuspension() {
        for (int i = 0; i < 3; i++) {
            scheduler.release((Granted) acquire("dead.test").awaitItem().getItem(), Health.CONNECT_FAILED, "x");
        }
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        Granted probe = (Granted) acquire("dead.test").awaitItem().getItem();
        scheduler.release(probe, Health.CONNECT_FAILED, "still down");

        now.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(acquire("dead.test").awaitItem().getItem()).as("20 s backoff not over").isInstanceOf(Refused.class);
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(acquire("dead.test").awaitItem().getItem()).isInstanceOf(Granted.class);
    }

    @Test
    void waitersOfADestinationThatBecomesSuspendedAreRefusedAtOnce() {
        List<Granted> granted = new ArrayList<>();
        granted.add((Granted) acquire("dead.test").awaitItem().getItem());
        granted.add((Granted) acquire("dead.test").awaitItem().getItem());
        UniAssertSubscriber<Slot> waiting = acquire("dead.test");
        scheduler.release(granted.get(0), Health.CONNECT_FAILED, "x");
        Granted third = (Granted) waiting.awaitItem().getItem();
        UniAssertSubscriber<Slot> waiting2 = acquire("dead.test");
        scheduler.release(granted.get(1), Health.CONNECT_FAILED, "x");
        Granted fourth = (Granted) waiting2.awaitItem().getItem();
        UniAssertSubscriber<Slot> waiting3 = acquire("dead.test");

        scheduler.release(third, Health.CONNECT_FAILED, "x");

        assertThat(waiting3.awaitItem().getItem()).isInstanceOf(Refused.class);
        scheduler.release(fourth, Health.UNKNOWN, null);
    }
}
