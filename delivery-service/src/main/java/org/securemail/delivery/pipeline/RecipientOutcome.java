package org.securemail.delivery.pipeline;

import java.util.List;

import org.securemail.delivery.smtp.AttemptResult;

/**
 * What one attempt did for one recipient, and where the recipient waits when the result is a temporary failure.
 */
record RecipientOutcome(String recipient, AttemptResult result, Requeue requeue) {

    /** Where a temporary failure waits. */
    enum Requeue {
        /** The retry schedule (tier of the attempt). */
        SCHEDULE,
        /** Refused locally for lack of a destination slot: {@code delivery.park}, not an attempt. */
        PARK,
        /** The route could not be resolved now (DNS): {@code delivery.park}, so it goes soon after DNS recovers. */
        ROUTE
    }

    RecipientOutcome(String recipient, AttemptResult result) {
        this(recipient, result, Requeue.SCHEDULE);
    }

    /** The same result for every recipient, waiting on the retry schedule if it is a temporary failure. */
    static List<RecipientOutcome> all(List<String> recipients, AttemptResult result) {
        return all(recipients, result, Requeue.SCHEDULE);
    }

    static List<RecipientOutcome> all(List<String> recipients, AttemptResult result, Requeue requeue) {
        return recipients.stream().map(r -> new RecipientOutcome(r, result, requeue)).toList();
    }
}
