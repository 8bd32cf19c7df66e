package org.securemail.common.delivery;

import java.time.Instant;

/**
 * One recipient attempt, published on {@code delivery.events} keyed by queue id.
 *
 * @param queueId       the message
 * @param recipient     the forward path
 * @param attempt       1 for the first attempt
 * @param outcome       delivered, deferred or bounced
 * @param remoteHost    the next hop tried ({@code host[ip]:port}), or null when no connection was made
 * @param reply         the remote SMTP reply, or the local reason (e.g. {@code 4.4.3 DNS lookup failed})
 * @param nextAttemptAt when the next attempt is due for a deferral, else null
 * @param at            when the attempt ended
 */
public record DeliveryEvent(
        String queueId,
        String recipient,
        int attempt,
        Outcome outcome,
        String remoteHost,
        String reply,
        Instant nextAttemptAt,
        Instant at) {
}
