package org.securemail.delivery.state;

import java.time.Instant;
import java.util.Set;

/**
 * The recipients of one message that reached a final outcome (delivered or bounced), on the compacted
 * {@code delivery.state} topic keyed by queue id. The latest record holds the whole set.
 */
public record DeliveryState(String queueId, Set<String> done, Instant updatedAt) {

    public DeliveryState {
        done = done == null ? Set.of() : Set.copyOf(done);
    }
}
