package org.securemail.provisioning.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key: {@code burst} requests at once, then {@code perSecond}. Only keys that authenticated
 * reach it, so its size is bounded by the keys that exist; an entry idle long enough to be full again is dropped.
 * Dropping scans every entry, so it runs only above {@link #SWEEP_ABOVE} entries and at most once per
 * {@link #SWEEP_INTERVAL_NANOS}: many keys in use at once cost one scan a second, not one per request.
 */
public final class RateLimiter {

    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    static final int SWEEP_ABOVE = 10_000;
    static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;
    private final AtomicLong sweeps = new AtomicLong();

    public RateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate limit needs per-second > 0 and burst >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.lastSweep = new AtomicLong(nanoClock.getAsLong() - SWEEP_INTERVAL_NANOS);
    }

    /** 0 when {@code key} may send this request now, else the whole seconds until it may (for Retry-After). */
    public long acquire(String key) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        long wait = bucket.take(now, perSecond, burst);
        if (buckets.size() > SWEEP_ABOVE) {
            sweep(now);
        }
        return wait;
    }

    /** Entries tracked now. */
    int tracked() {
        return buckets.size();
    }

    /** Scans of all entries so far. */
    long sweeps() {
        return sweeps.get();
    }

    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_INTERVAL_NANOS || !lastSweep.compareAndSet(last, now)) {
            return; // swept a moment ago, or another request is sweeping
        }
        sweeps.incrementAndGet();
        buckets.values().removeIf(b -> b.fullAt(now, perSecond, burst));
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(long now, double perSecond, int burst) {
            tokens = Math.min(burst, tokens + (now - updated) / 1e9 * perSecond);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }

        synchronized boolean fullAt(long now, double perSecond, int burst) {
            return tokens + (now - updated) / 1e9 * perSecond >= burst;
        }
    }
}
