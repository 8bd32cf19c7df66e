package org.securemail.common.flow;

import java.time.Duration;
import java.util.ArrayDeque;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Bounds the messages in progress in this replica. Consumption from Kafka waits (without a thread) for a
 * permit; a permit is returned when the message is finished, in any order.
 *
 * <p>At shutdown the gate is {@link #close() closed}: no permit is granted any more (waiting and new requests
 * stay pending, so their records are never acknowledged), and {@link #awaitIdle} waits for the messages already
 * in progress.
 */
public final class AdmissionGate {

    private final int permits;
    private int used;
    private boolean closed;
    private final ArrayDeque<UniEmitter<? super Void>> waiting = new ArrayDeque<>();

    public AdmissionGate(int permits) {
        this.permits = Math.max(1, permits);
    }

    public Uni<Void> acquire() {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                if (closed || used >= permits) {
                    waiting.add(emitter);
                    return;
                }
                used++;
            }
            emitter.complete(null);
        });
    }

    public void release() {
        UniEmitter<? super Void> next;
        synchronized (this) {
            next = closed ? null : waiting.poll();
            if (next == null) {
                used--;
                notifyAll();
                return;
            }
        }
        next.complete(null);
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
