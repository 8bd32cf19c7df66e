package org.securemail.ingest.accept;

import java.time.Clock;
import java.time.Instant;

/**
 * The outcome of the latest writes to the mail queue: whether mail can be accepted now, as the clients see it. For
 * the operator's view (the {@code mail-queue} wellness check), never for readiness: during a broker outage the
 * ingress stays in the load balancer and answers {@code 451 4.3.0} (ADR 0064).
 */
public final class QueueWrites {

    /** The latest outcomes; {@code null} where there was none yet. */
    public record Status(Instant lastStored, Instant lastFailed, String lastError) {

        /** True when the latest write failed (or missed the deadline). */
        public boolean failing() {
            return lastFailed != null && (lastStored == null || lastFailed.isAfter(lastStored));
        }
    }

    private final Clock clock;
    private volatile Status status = new Status(null, null, null);

    public QueueWrites(Clock clock) {
        this.clock = clock;
    }

    synchronized void stored() {
        status = new Status(clock.instant(), status.lastFailed(), status.lastError());
    }

    synchronized void failed(String reason) {
        status = new Status(status.lastStored(), clock.instant(), reason);
    }

    public Status status() {
        return status;
    }
}
