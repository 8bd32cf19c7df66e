package org.securemail.ingest.smtp;

import java.util.function.BooleanSupplier;

import io.vertx.core.Vertx;

/**
 * The minimum data rate of a message on its session's event loop (Postfix {@code smtpd_min_data_rate}): a message
 * starts with a grace period, and every byte received pushes its deadline back by {@code 1 / rate} seconds. A client
 * trickling a byte at a time falls behind and is cut off however often it sends (the idle timer alone would let it
 * go on for ever); one sending at the rate or faster never is. While the session itself is not reading (it waits for
 * its own work, or for the client to read its replies) the client is not to blame, and the grace starts again.
 */
final class DataRateTimer {

    private final Vertx vertx;
    private final long bytesPerSecond;
    private final long graceNanos;
    private final BooleanSupplier notReading;
    private final Runnable tooSlow;
    private boolean running;
    private long deadline;
    private long timer = -1;

    /** {@code bytesPerSecond} 0 turns the check off. */
    DataRateTimer(Vertx vertx, long bytesPerSecond, long graceNanos, BooleanSupplier notReading, Runnable tooSlow) {
        this.vertx = vertx;
        this.bytesPerSecond = bytesPerSecond;
        this.graceNanos = graceNanos;
        this.notReading = notReading;
        this.tooSlow = tooSlow;
    }

    boolean running() {
        return running;
    }

    /** A message starts (nothing happens when it already runs, or when the check is off). */
    void start() {
        if (running || bytesPerSecond <= 0) {
            return;
        }
        running = true;
        deadline = System.nanoTime() + graceNanos;
        arm();
    }

    void stop() {
        running = false;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** {@code bytes} arrived: each earns {@code 1 / rate} seconds. */
    void received(long bytes) {
        if (running) {
            deadline += bytes * 1_000_000_000L / bytesPerSecond;
        }
    }

    /** The session reads again after a pause of its own: the grace starts again. */
    void resumed() {
        if (running) {
            deadline = Math.max(deadline, System.nanoTime() + graceNanos);
        }
    }

    private void arm() {
        long remainingMs = Math.max(1, (deadline - System.nanoTime() + 999_999) / 1_000_000);
        timer = vertx.setTimer(remainingMs, id -> check());
    }

    private void check() {
        timer = -1;
        if (!running) {
            return;
        }
        if (notReading.getAsBoolean()) {
            resumed();
        } else if (System.nanoTime() - deadline >= 0) {
            running = false;
            tooSlow.run();
            return;
        }
        arm();
    }
}
