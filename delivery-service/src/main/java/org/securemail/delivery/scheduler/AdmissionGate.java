package org.securemail.delivery.scheduler;

import java.util.ArrayDeque;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Bounds the messages in progress in this replica. Consumption from Kafka waits (without a thread) for a
 * permit; a permit is returned when the message is finished, in any order.
 */
public final class AdmissionGate {

    private final int permits;
    private int used;
    private final ArrayDeque<UniEmitter<? super Void>> waiting = new ArrayDeque<>();

    public AdmissionGate(int permits) {
        this.permits = Math.max(1, permits);
    }

    public Uni<Void> acquire() {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                if (used >= permits) {
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
            next = waiting.poll();
            if (next == null) {
                used--;
                return;
            }
        }
        next.complete(null);
    }

    public synchronized int inUse() {
        return used;
    }
}
