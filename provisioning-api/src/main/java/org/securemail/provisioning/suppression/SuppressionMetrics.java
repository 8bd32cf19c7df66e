package org.securemail.provisioning.suppression;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.common.provisioning.SuppressionReason;

import io.micrometer.core.instrument.MeterRegistry;

/** {@code provisioning.suppressions.added{reason}}, {@code .removed} and {@code .full} (a bounce not added: list full). */
@ApplicationScoped
public class SuppressionMetrics {

    private final MeterRegistry registry;

    SuppressionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void added(SuppressionReason reason, int n) {
        registry.counter("provisioning.suppressions.added", "reason", reason.name()).increment(n);
    }

    void removed(int n) {
        registry.counter("provisioning.suppressions.removed").increment(n);
    }

    void full(int n) {
        registry.counter("provisioning.suppressions.full").increment(n);
    }
}
