package org.securemail.ingest.smtp;

import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import io.vertx.core.Vertx;

/**
 * A session's idle (command) timeout on its event loop: fires once no input arrived for the timeout, but never
 * while the session waits for its own asynchronous work (the broker, bcrypt, a handshake).
 */
final class IdleTimer {

    private final Vertx vertx;
    private final long timeoutMs;
    private final BooleanSupplier waiting;
    private final LongConsumer expired;
    private long lastActivity = System.nanoTime();
    private long timer = -1;
    private boolean stopped;

    /** {@code expired} gets the idle time in milliseconds. */
    IdleTimer(Vertx vertx, long timeoutMs, BooleanSupplier waiting, LongConsumer expired) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
        this.waiting = waiting;
        this.expired = expired;
    }

    void start() {
        arm(timeoutMs);
    }

    /** The client did something (or the session resumed reading). */
    void touch() {
        lastActivity = System.nanoTime();
    }

    void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void arm(long delayMs) {
        timer = vertx.setTimer(Math.max(1, delayMs), id -> {
            if (stopped) {
                return;
            }
            long idleMs = (System.nanoTime() - lastActivity) / 1_000_000;
            boolean busy = waiting.getAsBoolean();
            if (!busy && idleMs >= timeoutMs) {
                expired.accept(idleMs);
            } else {
                arm(busy ? timeoutMs : timeoutMs - idleMs);
            }
        });
    }
}
