package org.securemail.delivery.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.securemail.common.topics.Topics;

/**
 * The deferral schedule: after attempt n fails temporarily, attempt n+1 is due {@code delays[n-1]} later (the
 * last delay repeats) and waits on retry tier {@code min(n, tiers)}. Each tier holds records of one delay, so a
 * tier topic is in due-time order and its consumer only ever waits for the record at its head.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final Duration lifetime;

    public RetrySchedule(List<Duration> delays, Duration lifetime) {
        if (delays == null || delays.isEmpty()) {
            throw new IllegalArgumentException("delivery.retry.delays must list at least one delay");
        }
        this.delays = List.copyOf(delays);
        this.lifetime = lifetime;
    }

    /** The delay after the failed attempt number {@code attempt} (1-based). */
    public Duration delayAfter(int attempt) {
        return delays.get(Math.min(Math.max(attempt, 1), delays.size()) - 1);
    }

    /** The retry tier (1-based) that holds the record for the attempt after {@code attempt}. */
    public int tierAfter(int attempt) {
        return Math.min(Math.max(attempt, 1), Math.min(delays.size(), Topics.DELIVERY_RETRY_TIERS));
    }

    public String topicAfter(int attempt) {
        return Topics.deliveryRetry(tierAfter(attempt));
    }

    public Instant expiry(Instant receivedAt) {
        return receivedAt.plus(lifetime);
    }

    public boolean expired(Instant receivedAt, Instant now) {
        return !now.isBefore(expiry(receivedAt));
    }

    /** When the next attempt is due: after the delay, but no later than the expiry (the last try). */
    public Instant nextAttempt(int failedAttempt, Instant receivedAt, Instant now) {
        Instant due = now.plus(delayAfter(failedAttempt));
        Instant expiry = expiry(receivedAt);
        return due.isAfter(expiry) ? expiry : due;
    }

    public Duration lifetime() {
        return lifetime;
    }
}
