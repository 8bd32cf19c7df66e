package org.securemail.delivery.scheduler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Per-destination session slots, like Postfix's queue manager: at most {@code concurrency} sessions per
 * destination, a bounded wait queue, and a "dead destination" state. After {@code deadAfter} consecutive
 * connection failures the destination is suspended for a backoff; while suspended its work is refused at once
 * (the caller defers it without connecting); when the backoff ends, one probe is let through, and the state
 * clears when it connects (or the backoff doubles when it does not).
 *
 * <p>Nothing here blocks: a caller waiting for a slot holds a {@link Uni}, not a thread.
 */
public final class DestinationScheduler {

    /** The answer to a request for a session slot. */
    public sealed interface Slot permits Granted, Refused {
    }

    /** A slot: the holder must {@link #release} it exactly once. */
    public record Granted(String destination, boolean probe) implements Slot {
    }

    /** No slot: defer the work with this reason (4xx). */
    public record Refused(String reason, boolean suspended) implements Slot {
    }

    /** What the session that used a slot found out about the destination. */
    public enum Health {
        /** A next hop answered (whatever it said). */
        CONNECTED,
        /** No next hop could be reached. */
        CONNECT_FAILED,
        /** Nothing was tried (e.g. the message was refused locally). */
        UNKNOWN
    }

    private final int concurrency;
    private final int queueLimit;
    private final int deadAfter;
    private final Duration suspendInitial;
    private final Duration suspendMax;
    private final LongSupplier clock;
    private final Duration queueWait;
    private final ScheduledExecutorService timers;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /**
     * @param queueWait how long work may wait for a slot before it is refused (and parked by the caller), so a
     *                  destination that stopped making progress gives its share of the in-flight limit back
     * @param timers    runs the queue-wait timeouts
     */
    public DestinationScheduler(int concurrency, int queueLimit, int deadAfter, Duration suspendInitial,
            Duration suspendMax, Duration queueWait, ScheduledExecutorService timers, LongSupplier nanoClock) {
        this.queueWait = queueWait;
        this.timers = timers;
        this.concurrency = Math.max(1, concurrency);
        this.queueLimit = Math.max(0, queueLimit);
        this.deadAfter = Math.max(1, deadAfter);
        this.suspendInitial = suspendInitial;
        this.suspendMax = suspendMax;
        this.clock = nanoClock;
    }

    private static final class State {
        int active;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        int consecutiveFailures;
        long suspendedUntil;
        boolean suspended;
        boolean probing;
        Duration backoff;
        String lastError = "";
    }

    private record Waiter(UniEmitter<? super Slot> emitter, long since) {
    }

    public Uni<Slot> acquire(String destination) {
        return Uni.createFrom().emitter(emitter -> {
            Slot immediate;
            State state;
            Waiter waiter;
            // the state may be removed by a concurrent release when idle: retry on a removed one
            while (true) {
                state = states.computeIfAbsent(destination, d -> newState());
                synchronized (state) {
                    if (states.get(destination) != state) {
                        continue;
                    }
                    immediate = tryAcquire(destination, state);
                    if (immediate == null) {
                        if (state.waiting.size() >= queueLimit) {
                            immediate = new Refused("451 4.4.5 destination " + destination + " has "
                                    + state.waiting.size() + " deliveries waiting", false);
                        } else {
                            waiter = new Waiter(emitter, clock.getAsLong());
                            state.waiting.add(waiter);
                            break;
                        }
                    }
                    waiter = null;
                    break;
                }
            }
            if (waiter == null) {
                emitter.complete(immediate);
                return;
            }
            State queued = state;
            timers.schedule(() -> expire(destination, queued, waiter), queueWait.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** A waiter still queued after {@code queueWait} is refused: its destination is not making progress. */
    private void expire(String destination, State state, Waiter waiter) {
        synchronized (state) {
            if (!state.waiting.remove(waiter)) {
                return;
            }
        }
        waiter.emitter().complete(new Refused("451 4.4.5 no session slot for " + destination + " within "
                + queueWait.toSeconds() + " s", false));
    }

    private State newState() {
        State s = new State();
        s.backoff = suspendInitial;
        return s;
    }

    /** A slot now, a refusal, or null when the caller has to wait. Called with the state locked. */
    private Slot tryAcquire(String destination, State state) {
        if (state.suspended) {
            if (state.probing || clock.getAsLong() < state.suspendedUntil) {
                return suspendedRefusal(destination, state);
            }
            state.probing = true;
            state.active++;
            return new Granted(destination, true);
        }
        if (state.active < concurrency) {
            state.active++;
            return new Granted(destination, false);
        }
        return null;
    }

    private Refused suspendedRefusal(String destination, State state) {
        long left = Math.max(0, state.suspendedUntil - clock.getAsLong());
        return new Refused("451 4.4.1 delivery to " + destination + " is suspended for " + (left / 1_000_000_000L)
                + " s after " + state.consecutiveFailures + " consecutive connection failures; last: "
                + state.lastError, true);
    }

    /** Gives the slot back and records what the session learned about the destination. */
    public void release(Granted slot, Health health, String error) {
        State state = states.get(slot.destination());
        if (state == null) {
            return;
        }
        List<Waiter> wake = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        synchronized (state) {
            state.active--;
            if (slot.probe()) {
                state.probing = false;
            }
            if (health == Health.CONNECTED) {
                state.consecutiveFailures = 0;
                state.suspended = false;
                state.backoff = suspendInitial;
            } else if (health == Health.CONNECT_FAILED) {
                state.consecutiveFailures++;
                state.lastError = error == null ? "" : error;
                if (slot.probe() && state.suspended) {
                    state.backoff = min(state.backoff.multipliedBy(2), suspendMax);
                    state.suspendedUntil = clock.getAsLong() + state.backoff.toNanos();
                } else if (!state.suspended && state.consecutiveFailures >= deadAfter) {
                    state.suspended = true;
                    state.suspendedUntil = clock.getAsLong() + state.backoff.toNanos();
                }
            }
            while (!state.waiting.isEmpty()) {
                Slot next = tryAcquire(slot.destination(), state);
                if (next == null) {
                    break;
                }
                wake.add(state.waiting.poll());
                slots.add(next);
                if (next instanceof Refused) {
                    // a suspended destination refuses the whole queue at once
                    continue;
                }
            }
            if (state.active == 0 && state.waiting.isEmpty() && !state.suspended && state.consecutiveFailures == 0) {
                states.remove(slot.destination(), state);
            }
        }
        for (int i = 0; i < wake.size(); i++) {
            wake.get(i).emitter().complete(slots.get(i));
        }
    }

    /**
     * An operator's "retry this destination now" (ADR 0084): a suspended destination lets its probe through at once
     * instead of at the end of its backoff; a success ends the suspension, a failure suspends it again.
     */
    public void retryNow(String destination) {
        State state = states.get(destination);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.suspended) {
                state.suspendedUntil = clock.getAsLong();
            }
        }
    }

    public boolean suspended(String destination) {
        State state = states.get(destination);
        if (state == null) {
            return false;
        }
        synchronized (state) {
            return state.suspended;
        }
    }

    public int suspendedCount() {
        return (int) states.values().stream().filter(s -> {
            synchronized (s) {
                return s.suspended;
            }
        }).count();
    }

    public int active(String destination) {
        State state = states.get(destination);
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            return state.active;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
