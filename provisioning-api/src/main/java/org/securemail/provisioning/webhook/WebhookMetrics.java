package org.securemail.provisioning.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code provisioning.webhooks.*}: deliveries queued, sent (a 2xx), failed (by reason), retried (written to a retry
 * tier), disabled endpoints, deliveries dead-lettered (their endpoint disabled) and dropped (their endpoint deleted),
 * and deliveries moved on because their endpoint already had its share of sends in progress.
 */
@ApplicationScoped
public class WebhookMetrics {

    private final MeterRegistry registry;

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void enqueued(int n) {
        registry.counter("provisioning.webhooks.enqueued").increment(n);
    }

    void sent() {
        registry.counter("provisioning.webhooks.sent").increment();
    }

    void failed(SendResult.Kind kind) {
        registry.counter("provisioning.webhooks.failed", "reason", kind.reason()).increment();
    }

    void retried() {
        registry.counter("provisioning.webhooks.retried").increment();
    }

    void disabled() {
        registry.counter("provisioning.webhooks.disabled").increment();
    }

    void deadLettered() {
        registry.counter("provisioning.webhooks.dead.lettered").increment();
    }

    void dropped() {
        registry.counter("provisioning.webhooks.dropped").increment();
    }

    void busy() {
        registry.counter("provisioning.webhooks.busy").increment();
    }
}
