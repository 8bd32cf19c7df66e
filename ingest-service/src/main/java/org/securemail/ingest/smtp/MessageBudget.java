package org.securemail.ingest.smtp;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.securemail.ingest.config.IngestConfig;

/**
 * Bytes of message data held in memory by all sessions together (Postfix refuses with 452 4.3.1 when its queue
 * file system is short; our "queue file system" is the heap until the broker acknowledges). A session that cannot
 * reserve more gets {@code 452 4.3.1 Insufficient system storage} instead of taking the JVM down.
 */
@Singleton
public class MessageBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    @Inject
    public MessageBudget(IngestConfig config, MeterRegistry registry) {
        this(config.limits().maxBufferedBytes() > 0 ? config.limits().maxBufferedBytes()
                : Runtime.getRuntime().maxMemory() / 2);
        Gauge.builder("smtp.buffered.bytes", used, AtomicLong::get).baseUnit("bytes")
                .description("message bytes held in memory until acknowledged").register(registry);
        Gauge.builder("smtp.buffered.bytes.limit", () -> limit).baseUnit("bytes")
                .description("limit of smtp_buffered_bytes").register(registry);
    }

    public MessageBudget(long limit) {
        this.limit = limit;
    }

    public boolean tryReserve(long bytes) {
        while (true) {
            long current = used.get();
            if (current + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long available() {
        return limit - used.get();
    }

    public long limit() {
        return limit;
    }
}
