package org.securemail.common.queue;

import java.time.Instant;

/**
 * One queue operation an operator did, published on {@code operator.actions} keyed by {@link #id} (ADR 0084): who
 * (the authenticated operator principal), when, what and why.
 *
 * @param id       the action's id (a UUID)
 * @param at       when the API accepted it
 * @param operator the operator principal ({@code api-key:<id>}, or {@code bootstrap} for the configured key)
 * @param action   what was done
 * @param target   what it was done to: a destination domain, a queue id, or {@code <dlq topic>/<partition>/<offset>}
 * @param reason   the operator's reason
 * @param detail   what the platform did (e.g. where a replayed record went), or null
 */
public record OperatorAction(String id, Instant at, String operator, Action action, String target, String reason,
        String detail) {

    public enum Action {
        RETRY_DESTINATION, HOLD, RELEASE, DELETE, REPLAY_DEAD_LETTER
    }
}
