package org.securemail.common.queue;

import java.time.Instant;
import java.util.Locale;

/**
 * An operator's command to every delivery replica, on the compacted {@code delivery.control} topic (ADR 0084). The
 * key says what it is about ({@link #key}); the latest record of a key is the one in force.
 *
 * @param kind     what to do
 * @param target   the destination domain (canonical, {@link Kind#RETRY_DESTINATION}) or the queue id
 * @param reason   the operator's reason, as given
 * @param operator the authenticated operator principal that issued it
 * @param at       when it was issued: a record written to a queue topic before this instant is affected
 * @param actionId the id of the {@link OperatorAction} that records it
 */
public record QueueCommand(Kind kind, String target, String reason, String operator, Instant at, String actionId) {

    public enum Kind {
        /** Every deferred record of the destination written before {@code at} is due now, and its suspension ends. */
        RETRY_DESTINATION,
        /** The message is not delivered: each time one of its records comes up it waits on the last retry tier. */
        HOLD,
        /** The end of a hold: the message's records written before {@code at} are due now. */
        RELEASE,
        /** The message's pending recipients bounce with the operator's reason (DSN as for any bounce), then it is gone. */
        DELETE
    }

    /** The record key of a command: {@code retry/<domain>}, {@code hold/<queue id>} (HOLD and RELEASE), {@code delete/<queue id>}. */
    public static String key(Kind kind, String target) {
        return switch (kind) {
            case RETRY_DESTINATION -> "retry/" + target;
            case HOLD, RELEASE -> "hold/" + target;
            case DELETE -> "delete/" + target;
        };
    }

    public String key() {
        return key(kind, target);
    }

    public String describe() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + target;
    }
}
