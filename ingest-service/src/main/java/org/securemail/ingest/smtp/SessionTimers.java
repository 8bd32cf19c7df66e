package org.securemail.ingest.smtp;

import java.util.function.BooleanSupplier;

import io.vertx.core.Vertx;

import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.reply.Reply;

/**
 * A session's clocks on its event loop (issue 12): the idle timeout ({@link IdleTimer}), the total
 * {@code session-lifetime} however busy the session is, and {@code min-data-rate} while a message comes in
 * ({@link DataRateTimer}). Each ends the session through {@link Limit}.
 */
final class SessionTimers {

    /** What a session does when one of its limits is reached. */
    interface Limit {
        void reached(Reply reply, String reason, String what);
    }

    private final Vertx vertx;
    private final long lifetimeMs;
    private final Limit limit;
    private final IdleTimer idle;
    private final DataRateTimer dataRate;
    private long lifetime = -1;

    /**
     * @param waiting  the session waits for its own work: not idle, and its data rate is not measured
     * @param stalled  the session does not read (its own work, or a client that does not read its replies)
     */
    SessionTimers(Vertx vertx, IngestConfig.Limits limits, BooleanSupplier waiting, BooleanSupplier stalled,
            Limit limit) {
        this.vertx = vertx;
        this.lifetimeMs = Math.max(1, limits.sessionLifetime().toMillis());
        this.limit = limit;
        this.idle = new IdleTimer(vertx, limits.idleTimeout().toMillis(), waiting,
                idleMs -> limit.reached(Reply.TIMEOUT, "timeout", "timeout after " + idleMs + " ms"));
        this.dataRate = new DataRateTimer(vertx, limits.minDataRate(), limits.minDataRateGrace().toNanos(), stalled,
                () -> limit.reached(Reply.DATA_RATE_TOO_LOW, "data_rate", "data rate too low"));
    }

    void start() {
        idle.start();
        lifetime = vertx.setTimer(lifetimeMs, id -> {
            lifetime = -1;
            limit.reached(Reply.LIFETIME_EXCEEDED, "session_lifetime", "session lifetime exceeded");
        });
    }

    void stop() {
        idle.stop();
        dataRate.stop();
        if (lifetime >= 0) {
            vertx.cancelTimer(lifetime);
            lifetime = -1;
        }
    }

    /** The client sent {@code bytes}. */
    void received(int bytes) {
        idle.touch();
        dataRate.received(bytes);
    }

    /** The session reads again after waiting for its own work. */
    void resumed() {
        idle.touch();
        dataRate.resumed();
    }

    void messageStarted() {
        dataRate.start();
    }

    void messageEnded() {
        if (dataRate.running()) {
            dataRate.stop();
        }
    }
}
