package org.securemail.ingest.accept;

import java.time.Instant;

/**
 * The outcome of the latest writes to the mail queue: whether mail can be accepted now, as the clients see it. For
 * the operator's view (the {@code mail-queue} wellness check), never for readiness: during a broker outage the
 * ingress stays in the load balancer and answers {@code 451 4.3.0} (ADR 0064). Recording is two volatile writes, no
 * lock and no allocation, since it happens for every accepted message.
 */
public final class QueueWrites {

    /** The latest outcomes; {@code null} where there was none yet. */
    public record Status(Instant lastStored, Instant lastFailed, String lastError) {

        /** True when the latest write failed (or missed the deadline). */
        public boolean failing() {
            return lastFailed != null && (lastStored == null || lastFailed.isAfter(lastStored));
        }
    }

    private volatile long lastStoredMillis;
    private volatile long lastFailedMillis;
    private volatile String lastError;

    void stored() {
        lastStoredMillis = System.currentTimeMillis();
    }

    void failed(String reason) {
        lastError = reason;
        lastFailedMillis = System.currentTimeMillis();
    }

    public Status status() {
        long failed = lastFailedMillis;
        long stored = lastStoredMillis;
        return new Status(stored == 0 ? null : Instant.ofEpochMilli(stored),
                failed == 0 ? null : Instant.ofEpochMilli(failed), failed == 0 ? null : lastError);
    }
}
