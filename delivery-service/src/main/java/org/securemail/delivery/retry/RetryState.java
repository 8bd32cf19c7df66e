package org.securemail.delivery.retry;

import java.time.Instant;

/**
 * Carried as JSON in the {@code sm-delivery} header of a retry-tier record, next to {@code sm-envelope} (whose
 * recipients are only the ones still pending).
 *
 * @param attempt   the number of the attempt this record is for (2 for the first retry)
 * @param dueAt     not before this instant
 * @param lastReply   the reason of the last deferral
 * @param delayWarned a delay notice was already sent to the sender
 */
public record RetryState(int attempt, Instant dueAt, String lastReply, boolean delayWarned) {

    public static final String HEADER = "sm-delivery";
}
