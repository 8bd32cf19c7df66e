package org.securemail.dns.listener;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Meters of the listener (Prometheus: {@code dns_listener_*}). */
final class ListenerMetrics {

    /** Why a query was refused or left unanswered. */
    enum Reason {
        ACL, TYPE, CLASS, NAME
    }

    private final MeterRegistry registry;
    private final Counter truncated;
    private final Counter rateLimited;
    private final Counter dropped;

    ListenerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.truncated = Counter.builder("dns.listener.truncated")
                .description("UDP answers sent empty with TC=1 because they were larger than the client's size")
                .register(registry);
        this.rateLimited = Counter.builder("dns.listener.rate.limited")
                .description("UDP queries over the per-source rate (dropped, or answered TC=1 on a slip)")
                .register(registry);
        this.dropped = Counter.builder("dns.listener.dropped")
                .description("packets left unanswered: shorter than a header, or a response (QR=1)")
                .register(registry);
    }

    void answered(Transport transport, ReplyCode code) {
        registry.counter("dns.listener.queries", "transport", transport.tag(), "rcode", code.name()).increment();
    }

    void refused(Reason reason) {
        registry.counter("dns.listener.refused", "reason", reason.name().toLowerCase(Locale.ROOT)).increment();
    }

    void truncated() {
        truncated.increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void dropped() {
        dropped.increment();
    }
}
