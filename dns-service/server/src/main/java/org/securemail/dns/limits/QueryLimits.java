package org.securemail.dns.limits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.upstream.UpstreamHealth;

/**
 * The hard caps that keep one bad zone, or many slow zones, from using up shared capacity.
 *
 * <ul>
 * <li><b>Resolutions</b> in flight: in total and per zone. Over a cap a resolution waits in a small bounded FIFO
 * queue for a bounded time (at most per-zone-cap waiters per zone, so one hot zone cannot fill the queue), or is
 * shed at once (BUSY). Nothing waits without bound and no thread blocks.</li>
 * <li><b>Upstream queries</b> in flight per upstream. A query we gave up on (timeout) keeps its slot until the
 * upstream answers it late or {@code abandoned-hold} has passed since it was sent: the upstream is still working on
 * it, so counting it free would let us fill the upstream's capacity. Kept below the upstream's capacity, this cap
 * alone guarantees that the service never fills its resolver, whatever the zones do.</li>
 * <li><b>Slow budget</b> per upstream (in the spirit of Unbound's jostle-timeout and BIND's fetches-per-server):
 * queries for zones with no recent answer, and any query outstanding longer than a normal round trip, share a
 * budget. When it is spent, unproven zones are shed, and zones whose servers answer keep the rest of the upstream's
 * capacity. This is the protection when thousands of fresh domains sit on the same dead servers: the per-zone cap
 * cannot see them.</li>
 * </ul>
 */
public final class QueryLimits {

    private final DnsConfig.Limits config;
    private final ScheduledExecutorService timer;
    private final Consumer<Boolean> atTotalCap;

    private final Map<String, Integer> zoneInFlight = new HashMap<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int total;
    private int maxTotal;
    private final Map<UpstreamHealth, Integer> slowByUpstream = new HashMap<>();
    /** This replica's share of the fleet's upstream caps: its dns.queries partitions of all of them. */
    private volatile int sharePartitions = 1;
    private volatile int shareOf = 1;
    private boolean capped;

    /**
     * @param atTotalCap told {@code true} when the total reaches its cap and {@code false} when it is below again
     *                   (the Kafka responder pauses and resumes polling)
     */
    public QueryLimits(DnsConfig.Limits config, ScheduledExecutorService timer, Consumer<Boolean> atTotalCap) {
        this.config = config;
        this.timer = timer;
        this.atTotalCap = atTotalCap;
    }

    private final class Waiter {
        final String zone;
        final CompletableFuture<Admission> result = new CompletableFuture<>();

        Waiter(String zone) {
            this.zone = zone;
        }
    }

    /** A slot for one resolution in {@code zone}: granted now, granted after a short wait, or shed. */
    public CompletionStage<Admission> admit(String zone) {
        Waiter waiter;
        Boolean capChange;
        synchronized (this) {
            String full = fullCap(zone);
            if (full == null) {
                capChange = take(zone);
                waiter = null;
            } else if (waiters.size() < config.waitQueue() && waitingFor(zone) < config.perZone()) {
                waiter = new Waiter(zone);
                waiters.addLast(waiter);
                capChange = null;
            } else {
                return CompletableFuture.completedFuture(Admission.shed(full == null ? "queue" : full));
            }
        }
        notifyCap(capChange);
        if (waiter == null) {
            return CompletableFuture.completedFuture(Admission.GRANTED);
        }
        timer.schedule(() -> {
            String cap;
            synchronized (this) {
                if (!waiters.remove(waiter)) {
                    return;
                }
                cap = fullCap(waiter.zone);
            }
            waiter.result.complete(Admission.shed(cap == null ? "queue" : cap));
        }, config.waitTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return waiter.result;
    }

    /** Gives back the slot of a resolution and hands free slots to waiters, oldest first. */
    public void release(String zone) {
        List<Waiter> granted = new ArrayList<>();
        Boolean capChange;
        synchronized (this) {
            int left = zoneInFlight.merge(zone, -1, Integer::sum);
            if (left <= 0) {
                zoneInFlight.remove(zone);
            }
            total--;
            capChange = capped && total < config.total() ? Boolean.FALSE : null;
            if (capChange != null) {
                capped = false;
            }
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
                Waiter waiter = it.next();
                if (fullCap(waiter.zone) == null) {
                    it.remove();
                    Boolean change = take(waiter.zone);
                    if (change != null) {
                        capChange = change;
                    }
                    granted.add(waiter);
                }
            }
        }
        notifyCap(capChange);
        granted.forEach(waiter -> waiter.result.complete(Admission.GRANTED));
    }

    private int waitingFor(String zone) {
        int count = 0;
        for (Waiter waiter : waiters) {
            if (waiter.zone.equals(zone)) {
                count++;
            }
        }
        return count;
    }

    private String fullCap(String zone) {
        if (total >= config.total()) {
            return "total";
        }
        if (zoneInFlight.getOrDefault(zone, 0) >= config.perZone()) {
            return "zone";
        }
        return null;
    }

    private Boolean take(String zone) {
        zoneInFlight.merge(zone, 1, Integer::sum);
        total++;
        maxTotal = Math.max(maxTotal, total);
        if (!capped && total >= config.total()) {
            capped = true;
            return Boolean.TRUE;
        }
        return null;
    }

    private void notifyCap(Boolean change) {
        if (change != null) {
            atTotalCap.accept(change);
        }
    }

    /**
     * A slot for one query to {@code upstream}, or null when the upstream is at its cap, or when the query is risky
     * (its zone has no recent answer) and the upstream's slow budget is spent.
     */
    public synchronized UpstreamSlot tryUpstream(UpstreamHealth upstream, boolean risky) {
        if (upstreamCap(upstream, risky) != null) {
            return null;
        }
        upstream.recordInFlight(upstream.inFlight().incrementAndGet());
        if (risky) {
            slowByUpstream.merge(upstream, 1, Integer::sum);
        }
        return new UpstreamSlot(upstream, risky);
    }

    /** Which cap refuses a query to {@code upstream} now: "upstream", "slow-budget", or null when none does. */
    public synchronized String upstreamCap(UpstreamHealth upstream, boolean risky) {
        if (upstream.inFlight().get() >= perUpstreamCap()) {
            return "upstream";
        }
        return risky && slow(upstream) >= slowBudget() ? "slow-budget" : null;
    }

    private void unslow(UpstreamHealth upstream) {
        slowByUpstream.computeIfPresent(upstream, (u, n) -> n > 1 ? n - 1 : null);
    }

    /**
     * One query's hold on an upstream slot (and on the upstream's slow budget once it is risky or slow). It is
     * released when the upstream has finished with the query: it answered, even after we gave up, or the abandoned
     * hold passed.
     */
    public final class UpstreamSlot {
        private final UpstreamHealth upstream;
        private boolean countedSlow;
        private boolean released;

        private UpstreamSlot(UpstreamHealth upstream, boolean risky) {
            this.upstream = upstream;
            this.countedSlow = risky;
        }

        public UpstreamHealth upstream() {
            return upstream;
        }

        /** Called when the query has been outstanding longer than the slow threshold. */
        public void markSlow() {
            synchronized (QueryLimits.this) {
                if (!released && !countedSlow) {
                    countedSlow = true;
                    slowByUpstream.merge(upstream, 1, Integer::sum);
                }
            }
        }

        /** The upstream is done with the query: the slot is free now. */
        public void release() {
            synchronized (QueryLimits.this) {
                if (released) {
                    return;
                }
                released = true;
                upstream.inFlight().decrementAndGet();
                if (countedSlow) {
                    unslow(upstream);
                }
            }
        }
    }

    public synchronized int total() {
        return total;
    }

    /** The highest number of resolutions in flight at once since start. */
    public synchronized int maxTotal() {
        return maxTotal;
    }

    /**
     * This replica consumes {@code assigned} of the {@code total} partitions of dns.queries: it takes that share of the
     * per-upstream cap and slow budget, so that all replicas together keep no more queries open at a resolver than
     * configured. A replica with no partition (more replicas than partitions, or in a rebalance) keeps one
     * partition's worth for its REST lookups and prefetches.
     */
    public void share(int assigned, int total) {
        if (total <= 0) {
            return;
        }
        this.shareOf = total;
        this.sharePartitions = Math.max(1, Math.min(assigned, total));
    }

    /** Partitions of dns.queries this replica consumes (1 before the first assignment). */
    public int sharePartitions() {
        return sharePartitions;
    }

    /** Partitions of dns.queries in all (1 before the first assignment). */
    public int shareOf() {
        return shareOf;
    }

    /** The per-upstream cap of this replica (its share of {@code dns.limits.per-upstream}). */
    public int perUpstreamCap() {
        return shareOfCap(config.perUpstream());
    }

    /** The per-upstream slow budget of this replica (its share of {@code dns.limits.slow-budget}). */
    public int slowBudget() {
        return shareOfCap(config.slowBudget());
    }

    private int shareOfCap(int cap) {
        int of = shareOf;
        long share = ((long) cap * sharePartitions + of - 1) / of;
        return (int) Math.max(1, Math.min(cap, share));
    }

    /** Slow-budget slots in use over all upstreams. */
    public synchronized int slow() {
        return slowByUpstream.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Slow-budget slots in use at {@code upstream}. */
    public synchronized int slow(UpstreamHealth upstream) {
        return slowByUpstream.getOrDefault(upstream, 0);
    }

    public synchronized int waiting() {
        return waiters.size();
    }

    public synchronized int zoneInFlight(String zone) {
        return zoneInFlight.getOrDefault(zone, 0);
    }

    /** The zones with the most resolutions in flight, most first. */
    public synchronized List<Map.Entry<String, Integer>> topZones(int n) {
        return zoneInFlight.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(n)
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    public DnsConfig.Limits config() {
        return config;
    }
}
