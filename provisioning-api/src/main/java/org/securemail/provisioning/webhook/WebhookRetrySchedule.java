package org.securemail.provisioning.webhook;

import java.time.Duration;
import java.util.List;

import org.securemail.common.topics.Topics;

/**
 * When a failed webhook attempt is tried again, and on which retry tier it waits: after attempt n, delay
 * {@code delays[min(n, size) - 1]} on tier {@code min(n, tiers)}. Each tier holds one delay, so its records are in
 * due order and its consumer only ever waits for the head (the shape of delivery's deferral tiers, ADR 0030).
 */
public final class WebhookRetrySchedule {

    private final List<Duration> delays;

    public WebhookRetrySchedule(List<Duration> delays) {
        if (delays == null || delays.isEmpty()) {
            throw new IllegalArgumentException("provisioning.webhooks.retry-delays must list at least one delay");
        }
        if (delays.size() > Topics.WEBHOOKS_RETRY_TIERS) {
            throw new IllegalArgumentException("provisioning.webhooks.retry-delays lists " + delays.size()
                    + " delays; there are " + Topics.WEBHOOKS_RETRY_TIERS + " retry tiers");
        }
        this.delays = List.copyOf(delays);
    }

    /** The delay after the failed attempt {@code attempt} (1-based); the last one repeats. */
    public Duration delayAfter(int attempt) {
        return delays.get(Math.min(Math.max(attempt, 1), delays.size()) - 1);
    }

    /** The tier (1-based) of the attempt after {@code attempt}. */
    public int tierAfter(int attempt) {
        return Math.min(Math.max(attempt, 1), delays.size());
    }

    public String topicAfter(int attempt) {
        return Topics.webhooksRetry(tierAfter(attempt));
    }
}
