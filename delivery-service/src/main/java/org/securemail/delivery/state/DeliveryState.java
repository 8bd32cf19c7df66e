package org.securemail.delivery.state;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What delivery knows of one message, on the compacted {@code delivery.state} topic keyed by queue id; the latest
 * record holds it all.
 *
 * @param done      the recipients with a final outcome (delivered or bounced)
 * @param handled   the records of the message whose follow-up records (a retry, a park, a hold) were written, as
 *                  {@link RecordCoordinate}s, oldest first and at most {@link RecipientStateStore#HANDLED_KEPT}: a
 *                  record read again before its offset was committed (a rebalance, a crash) is then skipped instead of
 *                  starting a second retry chain (ADR 0089)
 * @param updatedAt the last change
 */
public record DeliveryState(String queueId, Set<String> done, List<String> handled, Instant updatedAt) {

    public DeliveryState {
        done = done == null ? Set.of() : Set.copyOf(done);
        handled = handled == null ? List.of() : List.copyOf(handled);
    }

    public DeliveryState(String queueId, Set<String> done, Instant updatedAt) {
        this(queueId, done, List.of(), updatedAt);
    }
}
