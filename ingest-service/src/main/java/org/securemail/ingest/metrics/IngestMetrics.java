package org.securemail.ingest.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Metrics of the SMTP ingress (Prometheus names in docs/ingest-service.md):
 * {@code smtp_sessions_open}, {@code smtp_sessions_total}, {@code smtp_messages_accepted_total},
 * {@code smtp_rejections_total{reason}}, {@code smtp_received_bytes_total}, {@code smtp_sessions_output_blocked} and the
 * histogram {@code smtp_accept_latency_seconds} (end of DATA to 250).
 */
@ApplicationScoped
public class IngestMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, Counter> sessions = new ConcurrentHashMap<>();
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final Map<String, Counter> bytes = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Timer acceptLatency;
    private final AtomicInteger outputBlocked = new AtomicInteger();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.acceptLatency = Timer.builder("smtp.accept.latency")
                .description("end of DATA to the 250 reply, i.e. the broker acknowledgement")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(15))
                .register(registry);
        Gauge.builder("smtp.sessions.output.blocked", outputBlocked, AtomicInteger::get)
                .description("sessions not read from because their client does not read its replies")
                .register(registry);
    }

    public void sessionOpened(String listener) {
        open.computeIfAbsent(listener, l -> {
            AtomicInteger gauge = new AtomicInteger();
            Gauge.builder("smtp.sessions.open", gauge, AtomicInteger::get)
                    .description("SMTP sessions currently open").tag("listener", l).register(registry);
            return gauge;
        }).incrementAndGet();
        sessions.computeIfAbsent(listener, l -> Counter.builder("smtp.sessions")
                .description("SMTP sessions started").tag("listener", l).register(registry)).increment();
    }

    public void sessionClosed(String listener) {
        AtomicInteger gauge = open.get(listener);
        if (gauge != null) {
            gauge.decrementAndGet();
        }
    }

    /** A session stopped reading because its replies are not being read ({@code true}), or started again. */
    public void outputBlocked(boolean blocked) {
        if (blocked) {
            outputBlocked.incrementAndGet();
        } else {
            outputBlocked.decrementAndGet();
        }
    }

    public void accepted(String listener, long size, long latencyNanos) {
        accepted.computeIfAbsent(listener, l -> Counter.builder("smtp.messages.accepted")
                .description("messages acknowledged by the broker and answered 250").tag("listener", l)
                .register(registry)).increment();
        bytes.computeIfAbsent(listener, l -> Counter.builder("smtp.received.bytes").baseUnit("bytes")
                .description("bytes of accepted messages").tag("listener", l).register(registry)).increment(size);
        acceptLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    public void rejected(String listener, String reason) {
        rejections.computeIfAbsent(listener + '\0' + reason, k -> Counter.builder("smtp.rejections")
                .description("refused commands, messages and connections by reason")
                .tag("listener", listener).tag("reason", reason).register(registry)).increment();
    }
}
