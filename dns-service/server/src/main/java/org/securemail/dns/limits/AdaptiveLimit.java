package org.securemail.dns.limits;

/**
 * How many queries this replica lets one upstream work on (the slow ones and the ones we gave up on included: they are
 * what a resolver's request list holds), learned the way a TCP sender learns its window (issue 17 item 2, ADR 0080),
 * with the configured per-upstream cap as a ceiling.
 *
 * <ul>
 * <li><b>Grows only on demand and fast answers, one at a time.</b> While callers were refused at the limit within the
 * last {@link #DEMAND_WINDOW_NANOS}, each answer that came back under the slow threshold adds {@code 1/limit}: one
 * per limit's worth of answers. There is no slow start: a query stuck at a dead zone shows only after the slow
 * threshold, and a limit that doubled meanwhile would have let the dead zones fill the resolver. Slow answers never
 * make it grow ({@link QueryLimits} also holds it while any query at the upstream is slow).</li>
 * <li><b>Halves on congestion</b>: a query of a proven zone timed out (the resolver dropped it from a full request
 * list, or stopped answering). At most once per {@link #DECREASE_SPACING_NANOS}, so one event counts once.</li>
 * <li><b>Shrinks when not needed</b> (the idea of RFC 7661): once a second without demand, towards twice the most
 * queries in flight in that second, by at most a tenth. So the limit an earlier burst taught does not stay open for
 * an outage that comes later, and a zone that dies finds only the little room the healthy traffic needs.</li>
 * </ul>
 *
 * <p>Not thread-safe: {@link QueryLimits} calls it under its lock. Times are {@link System#nanoTime()} values.
 */
final class AdaptiveLimit {

    static final long DEMAND_WINDOW_NANOS = 1_000_000_000L;
    static final long DECREASE_SPACING_NANOS = 1_000_000_000L;
    static final long TICK_NANOS = 1_000_000_000L;

    private final int min;
    private double limit;
    private boolean demanded;
    private long lastRefusal;
    private boolean decreased;
    private long lastDecrease;
    private long lastTick;
    private int peak;

    AdaptiveLimit(int initial, int min, long now) {
        this.min = Math.max(1, min);
        this.limit = Math.max(this.min, initial);
        this.lastTick = now;
    }

    /** The limit within {@code [min, ceiling]}. */
    int value(int ceiling) {
        return (int) Math.max(Math.min(min, ceiling), Math.min(ceiling, Math.floor(limit)));
    }

    /** A caller was refused at the limit: there is demand for more. */
    void refused(long now) {
        demanded = true;
        lastRefusal = now;
    }

    /** A query was admitted; {@code inFlight} queries are now in flight. */
    void used(int inFlight) {
        peak = Math.max(peak, inFlight);
    }

    private boolean demandedAt(long now) {
        return demanded && now - lastRefusal <= DEMAND_WINDOW_NANOS;
    }

    /** An answer within the slow threshold. */
    void answeredFast(long now, int ceiling) {
        if (!demandedAt(now)) {
            return;
        }
        limit = Math.min(ceiling, limit + 1 / limit);
    }

    /** A query of a proven zone timed out. */
    void congested(long now) {
        if (decreased && now - lastDecrease < DECREASE_SPACING_NANOS) {
            return;
        }
        decreased = true;
        lastDecrease = now;
        limit = Math.max(min, limit / 2);
    }

    /** Shrinks an unneeded limit once per {@link #TICK_NANOS}; {@code inFlight} is what is in flight now. */
    void tick(long now, int inFlight) {
        if (now - lastTick < TICK_NANOS) {
            return;
        }
        lastTick = now;
        double target = Math.max(min, 2.0 * peak);
        if (!demandedAt(now) && limit > target) {
            limit = Math.max(target, limit * 0.9);
        }
        peak = inFlight;
    }
}
