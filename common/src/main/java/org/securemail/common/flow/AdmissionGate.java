package org.securemail.common.flow;

import java.time.Duration;
import java.util.ArrayDeque;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Bounds the messages in progress in this replica. Consumption from Kafka waits (without a thread) for a
 * permit; a permit is returned when the message is finished, in any order.
 *
 * <p>A request may take several permits at once ({@link #acquire(int)}, e.g. one per KiB of a message, so the gate bounds
 * memory rather than a count): it waits until they fit, in arrival order; one larger than the whole gate is granted
 * when nothing else is in use, so it is slow but never stuck.
 *
 * <p>At shutdown the gate is {@link #close() closed}: no permit is granted any more (waiting and new requests
 * stay pending, so their records are never acknowledged), and {@link #awaitIdle} waits for the messages already
 * in progress.
 */
public final class AdmissionGate {

    private final int permits;
    private int used;
    private boolean closed;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

    private record Waiter(UniEmitter<? super Void> emitter, int units) {
    }

    public AdmissionGate(int permits) {
        this.permits = Math.max(1, permits);
    }

    public Uni<Void> acquire() {
        return acquire(1);
    }

    /** Waits (without a thread) until {@code units} permits fit; give them back with {@link #release(int)}. */
    public Uni<Void> acquire(int units) {
        int n = Math.max(1, units);
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                if (closed || !waiting.isEmpty() || !fits(n)) {
                    waiting.add(new Waiter(emitter, n));
                    return;
                }
                used += n;
            }
            emitter.complete(null);
        });
    }

    public void release() {
        release(1);
    }

    public void release(int units) {
        java.util.List<UniEmitter<? super Void>> granted = new java.util.ArrayList<>();
        synchronized (this) {
            used -= Math.max(1, units);
            while (!closed && !waiting.isEmpty() && fits(waiting.peek().units())) {
                Waiter next = waiting.poll();
                used += next.units();
                granted.add(next.emitter());
            }
            notifyAll();
        }
        granted.forEach(e -> e.complete(null));
    }

    private boolean fits(int units) {
        return used + units <= permits || used == 0;
    }

    /** Grants no more permits, now or later. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * Waits until no permit is in use, at most {@code timeout}.
     *
     * @return the permits still in use (0 when every message in progress finished)
     */
    public synchronized int awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        long left;
        while (used > 0 && (left = end - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return used;
    }

    public synchronized int inUse() {
        return used;
    }
}
