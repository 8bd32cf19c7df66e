package org.securemail.dns.limits;

import java.util.ArrayDeque;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 * queries outstanding longer than a normal round trip, and queries for suspect zones (slow or failed lately), share
 * a budget. When it is spent, every zone that is not proven waits briefly and is then shed, and zones whose servers
 * answer keep the rest of the upstream's capacity. This is the protection when thousands of fresh domains sit on the
 * same dead servers: the per-zone cap cannot see them. A zone nobody knows yet is not suspect (ADR 0066): while its
 * queries are answered fast they cost the budget nothing, so a burst to new, healthy destinations runs at the
 * upstream's full capacity.</li>
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
    /** Resolutions waiting for room at an upstream (its cap or slow budget), woken as slots are released. */
    private final ArrayDeque<Runnable> roomWaiters = new ArrayDeque<>();
    /** The learned limit of queries in flight per upstream (ADR 0080), when {@code dns.limits.adaptive}. */
    private final Map<UpstreamHealth, AdaptiveLimit> learned = new HashMap<>();
    /** Queries of unknown zones not yet past the slow threshold, per upstream. */
    private final Map<UpstreamHealth, Integer> youngUnknownByUpstream = new HashMap<>();
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
     * A slot for one query to {@code upstream}, or null when a cap refuses it ({@link #upstreamCap}). A suspect zone's
     * query is charged to the slow budget at once; an unknown zone's only once it turns slow ({@link
     * UpstreamSlot#markSlow()}), and until then it counts as young.
     */
    public synchronized UpstreamSlot tryUpstream(UpstreamHealth upstream, ZoneTrust trust) {
        String cap = upstreamCap(upstream, trust);
        AdaptiveLimit adaptive = learned(upstream);
        if (cap != null) {
            if (adaptive != null && LIMIT.equals(cap) && trust != ZoneTrust.SUSPECT) {
                adaptive.refused(System.nanoTime()); // demand of zones that answer (a suspect zone's is no reason)
            }
            return null;
        }
        int inFlight = upstream.inFlight().incrementAndGet();
        upstream.recordInFlight(inFlight);
        if (adaptive != null) {
            adaptive.used(inFlight);
        }
        if (trust == ZoneTrust.SUSPECT) {
            slowByUpstream.merge(upstream, 1, Integer::sum);
        } else if (trust == ZoneTrust.UNKNOWN) {
            youngUnknownByUpstream.merge(upstream, 1, Integer::sum);
        }
        return new UpstreamSlot(upstream, trust);
    }

    /**
     * Which cap refuses a query to {@code upstream} now: "upstream", "limit", "slow-budget", or null when none does.
     *
     * <ul>
     * <li>At the per-upstream cap, every query is refused.</li>
     * <li>At the learned limit ({@link #limit(UpstreamHealth)}: the queries the upstream may work on, slow and abandoned
     * ones included), every query is refused: "limit" while some of them are young (the caller waits a little for
     * room), "upstream" when all of them are slow (BUSY at once). Without {@code dns.limits.adaptive} the learned limit
     * is the per-upstream cap.</li>
     * <li>A proven zone's query is refused by nothing else.</li>
     * <li>A suspect zone's query is refused while the slow budget is spent.</li>
     * <li>An unknown zone's query counts with every query of a zone not proven in flight at the upstream (the slow
     * ones and the unknown zones' young ones). With a learned limit they may use half of it (at least the slow
     * budget), whatever other zones do, and the zones that answer keep the other half: the limit is small and does not
     * grow while anything at the upstream is slow (ADR 0080). With a fixed cap ({@code dns.limits.adaptive=false})
     * they may use the cap less the slow budget while the upstream shows no evidence of slowness, and the slow budget
     * only once it does, so that new zones on dead servers cannot pour in between two looks at the budget
     * (ADR 0066).</li>
     * </ul>
     * The slow budget and the learned limit are this upstream's ({@link #slowBudget(UpstreamHealth)}).
     */
    public synchronized String upstreamCap(UpstreamHealth upstream, ZoneTrust trust) {
        int inFlight = upstream.inFlight().get();
        if (inFlight >= perUpstreamCap()) {
            return "upstream";
        }
        int slow = slow(upstream);
        int budget = slowBudget(upstream);
        int limit = limit(upstream);
        if (inFlight >= limit) {
            // a limit full of slow queries (dead zones' during an outage) frees no slot within a round trip: BUSY at
            // once like the cap, so the caller's stale answer is served without a wait (ADR 0066); with young queries
            // in flight a slot is moments away and the caller may wait for it
            return inFlight > slow ? LIMIT : "upstream";
        }
        return switch (trust) {
            case PROVEN -> null;
            case SUSPECT -> slow >= budget ? "slow-budget" : null;
            case UNKNOWN -> {
                int notProven = slow + youngUnknownByUpstream.getOrDefault(upstream, 0);
                // with a learned limit (small, and not growing while anything is slow) the zones nobody knows share
                // half of it, whatever other zones do (issue 17: only a zone's own slowness makes it suspect), and the
                // proven zones keep the other half; with a fixed cap they get the cap less the slow budget, and only
                // the slow budget as soon as anything at the upstream is slow (ADR 0066)
                int allowed = config.adaptive() ? Math.max(budget, limit / 2)
                        : slow == 0 ? Math.max(budget, limit - budget) : budget;
                yield notProven >= allowed ? "slow-budget" : null;
            }
        };
    }

    /** The cap name of the learned limit (a refused caller may wait for room). */
    public static final String LIMIT = "limit";

    /** The learned limit's state for {@code upstream}, made on first use; null without {@code dns.limits.adaptive}. */
    private AdaptiveLimit learned(UpstreamHealth upstream) {
        if (!config.adaptive()) {
            return null;
        }
        long now = System.nanoTime();
        AdaptiveLimit adaptive = learned.computeIfAbsent(upstream,
                u -> new AdaptiveLimit(config.initialLimit(), config.minLimit(), now));
        adaptive.tick(now, upstream.inFlight().get());
        return adaptive;
    }

    /**
     * The queries {@code upstream} may work on (slow and abandoned ones included): learned (ADR 0080) within this
     * replica's share of the per-upstream cap, or that share itself without {@code dns.limits.adaptive}.
     */
    public synchronized int limit(UpstreamHealth upstream) {
        int ceiling = perUpstreamCap();
        AdaptiveLimit adaptive = learned(upstream);
        return adaptive == null ? ceiling : adaptive.value(ceiling);
    }

    /**
     * The slow budget at {@code upstream}: this replica's share of {@code dns.limits.slow-budget}, and with a learned
     * limit the same proportion of it (slow-budget : per-upstream), at least 2.
     */
    public synchronized int slowBudget(UpstreamHealth upstream) {
        int ceiling = slowBudget();
        if (!config.adaptive()) {
            return ceiling;
        }
        double share = (double) config.slowBudget() / Math.max(1, config.perUpstream());
        int proportional = (int) Math.ceil(limit(upstream) * share);
        return Math.max(Math.min(2, ceiling), Math.min(ceiling, proportional));
    }

    /**
     * {@code upstream} answered a query within the slow threshold: with demand, the learned limit grows, unless any
     * query at the upstream is slow (slow queries are what a resolver's request list holds, and room made for the
     * waiting callers would go to more of them).
     */
    synchronized void answeredFast(UpstreamHealth upstream) {
        AdaptiveLimit adaptive = learned(upstream);
        if (adaptive != null && slow(upstream) == 0) {
            adaptive.answeredFast(System.nanoTime(), perUpstreamCap());
        }
    }

    /** A query of a proven zone timed out at {@code upstream}: the learned limit halves. */
    synchronized void congested(UpstreamHealth upstream) {
        AdaptiveLimit adaptive = learned(upstream);
        if (adaptive != null) {
            adaptive.congested(System.nanoTime());
        }
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
        private final ZoneTrust trust;
        private final long sentNanos = System.nanoTime();
        private boolean countedSlow;
        private boolean young;
        private boolean released;

        private UpstreamSlot(UpstreamHealth upstream, ZoneTrust trust) {
            this.upstream = upstream;
            this.trust = trust;
            this.countedSlow = trust == ZoneTrust.SUSPECT;
            this.young = trust == ZoneTrust.UNKNOWN;
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
                    unyoung();
                }
            }
        }

        /** The upstream answered before we gave up: fast (within the slow threshold), it teaches the learned limit. */
        public void answered() {
            if (System.nanoTime() - sentNanos <= config.slowThreshold().toNanos()) {
                answeredFast(upstream);
            }
        }

        /**
         * We gave up on the query. For a proven zone that is congestion at the upstream (a resolver drops what its full
         * request list cannot take; a zone that just died counts once, as it is suspect from then on). An unknown or
         * suspect zone's timeout is the zone's own: its queries are held to the slow budget instead.
         */
        public void timedOut() {
            if (trust == ZoneTrust.PROVEN) {
                congested(upstream);
            }
        }

        /** The upstream is done with the query: the slot is free now, and a resolution waiting for room retries. */
        public void release() {
            Runnable waiter;
            synchronized (QueryLimits.this) {
                if (released) {
                    return;
                }
                released = true;
                upstream.inFlight().decrementAndGet();
                if (countedSlow) {
                    unslow(upstream);
                }
                unyoung();
                waiter = roomWaiters.pollFirst();
                QueryLimits.this.notifyAll(); // a rebalance may be waiting for this replica to get within its share
            }
            if (waiter != null) {
                timer.execute(waiter);
            }
        }

        private void unyoung() {
            if (young) {
                young = false;
                youngUnknownByUpstream.computeIfPresent(upstream, (u, n) -> n > 1 ? n - 1 : null);
            }
        }
    }

    /**
     * {@code retry} runs (on the timer thread) when an upstream query slot is released, oldest waiter first, one per
     * release; the caller bounds its wait with its own timer and then {@link #cancelRoomWait cancels} it.
     */
    public synchronized void awaitRoom(Runnable retry) {
        roomWaiters.addLast(retry);
    }

    public synchronized void cancelRoomWait(Runnable retry) {
        roomWaiters.remove(retry);
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

    /**
     * Blocks until no upstream in {@code upstreams} has more queries of this replica in flight than its share now
     * allows ({@link #perUpstreamCap()}), or {@code timeout} has passed: a replica that gives partitions up in a
     * rebalance calls it before it lets them go, so that their new owner, which takes their share at once, does not
     * find the resolver still working on this replica's queries beyond its new share (ADR 0085). Queries that outlive the
     * timeout are slow or abandoned ones, which the slow budget bounds.
     *
     * @return true when every upstream is within the share
     */
    public boolean awaitWithinShare(Collection<UpstreamHealth> upstreams, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                int cap = perUpstreamCap();
                if (upstreams.stream().allMatch(upstream -> upstream.inFlight().get() <= cap)) {
                    return true;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
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
