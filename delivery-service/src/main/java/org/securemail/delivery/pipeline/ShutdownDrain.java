package org.securemail.delivery.pipeline;

import java.time.Duration;

import org.jboss.logging.Logger;
import org.securemail.common.flow.AdmissionGate;

/**
 * The shutdown drain (ADR 0036): no new delivery starts, the deliveries in progress get a bounded time to finish,
 * and once that time is {@link #over() over} a delivery still running leaves its record for redelivery.
 */
final class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final AdmissionGate gate;

    /** Set once the drain is over: a delivery ending after it leaves its record for redelivery. */
    private volatile boolean over;

    ShutdownDrain(AdmissionGate gate) {
        this.gate = gate;
    }

    /**
     * Starts no new delivery and waits, at most {@code timeout}, for those in progress. A delivery that has not
     * finished by then is abandoned: its record is neither acknowledged nor dead-lettered, so its offset is not
     * committed and the next owner of the partition delivers it again (a duplicate is possible only if the
     * remote server had already accepted the data, as after a crash).
     *
     * @return the messages still in progress when the wait ended
     */
    int drain(Duration timeout) {
        long start = System.nanoTime();
        int before = gate.inUse();
        gate.close();
        int left;
        try {
            left = gate.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            left = gate.inUse();
        }
        over = true;
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        if (left == 0) {
            LOG.infof("shutdown: no new deliveries; the %d message(s) in progress finished in %d ms", before, millis);
        } else {
            LOG.warnf("shutdown: %d of %d message(s) still in delivery after %d ms; their records are left"
                    + " unacknowledged and will be delivered again by the next owner of the partition", left, before,
                    millis);
        }
        return left;
    }

    /** True once the drain is over: the connector is closing, and no new session may open. */
    boolean over() {
        return over;
    }

    /** A delivery not started because the shutdown drain is over; its record is left for redelivery. */
    static final class ShuttingDown extends RuntimeException {
        ShuttingDown() {
            super("the service is shutting down", null, false, false);
        }
    }
}
