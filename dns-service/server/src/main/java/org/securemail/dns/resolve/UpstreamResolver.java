package org.securemail.dns.resolve;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.limits.QueryLimits;
import org.securemail.dns.limits.ZoneTrust;
import org.securemail.dns.upstream.UpstreamHealth;
import org.securemail.dns.upstream.UpstreamResponse;
import org.securemail.dns.upstream.UpstreamTimeoutException;
import org.securemail.dns.upstream.UpstreamTransport;
import org.securemail.dns.upstream.Upstreams;

/**
 * Asks the upstreams for one (name, type): a slot under the caps first (else BUSY), then the upstreams in order of
 * health with failover, and the outcome into the cache (an answer, or a failure with backoff).
 */
final class UpstreamResolver {

    /** A wait for room shorter than this is not started: the resolution is shed at once. */
    private static final Duration MIN_WAIT = Duration.ofMillis(20);

    private final DnsConfig config;
    private final DnsCache cache;
    private final QueryLimits limits;
    private final Upstreams upstreams;
    private final UpstreamTransport transport;
    private final DnsMetrics metrics;
    private final ScheduledExecutorService timer;
    private final ZoneStanding zones;

    UpstreamResolver(DnsConfig config, DnsCache cache, QueryLimits limits, Upstreams upstreams,
            UpstreamTransport transport, DnsMetrics metrics, ScheduledExecutorService timer) {
        this.config = config;
        this.cache = cache;
        this.limits = limits;
        this.upstreams = upstreams;
        this.transport = transport;
        this.metrics = metrics;
        this.timer = timer;
        this.zones = new ZoneStanding(config.limits().provenZoneTtl(), cache, metrics, timer);
    }

    /** Completes {@code result} with the answer for (name, type) of {@code zone}, or BUSY when a cap sheds it. */
    void resolve(String name, DnsType type, String zone, CompletableFuture<DnsAnswer> result) {
        limits.admit(zone).whenComplete((admission, failure) -> {
            if (admission == null || !admission.granted()) {
                String cap = admission == null ? "internal" : admission.shedAt();
                metrics.shed(cap);
                result.complete(busy(name, type, cap));
                return;
            }
            result.whenComplete((answer, error) -> limits.release(zone));
            new Resolution(name, type, zone, result).next();
        });
    }

    /**
     * One resolution: the upstreams in order, each tried at most once, within the resolution timeout. A query that
     * passed its per-query timeout is not forgotten: while the next upstream is tried, its answer still counts, and
     * once every upstream has been tried the resolution waits for the open queries until its deadline.
     */
    private final class Resolution {
        private final String name;
        private final DnsType type;
        private final String zone;
        private final CompletableFuture<DnsAnswer> result;
        private final List<UpstreamHealth> candidates = upstreams.candidates();
        private final long deadlineNanos = System.nanoTime() + config.timeouts().resolution().toNanos();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean exhausted;
        private int index;
        private volatile String lastFailure;
        private String capRefusal;
        private long budgetWaitUntil;

        /** True while a resolution refused by the slow budget may still wait for room ({@code dns.limits.wait-timeout}). */
        private boolean waitForBudget() {
            long now = System.nanoTime();
            if (budgetWaitUntil == 0) {
                budgetWaitUntil = now + config.limits().waitTimeout().toNanos();
            }
            return now + MIN_WAIT.toNanos() < Math.min(budgetWaitUntil, deadlineNanos);
        }

        Resolution(String name, DnsType type, String zone, CompletableFuture<DnsAnswer> result) {
            this.name = name;
            this.type = type;
            this.zone = zone;
            this.result = result;
        }

        void next() {
            if (closed.get()) {
                return;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                fail("no answer within the resolution timeout" + (lastFailure == null ? "" : " (" + lastFailure + ")"));
                return;
            }
            ZoneTrust trust = zones.trust(zone);
            while (index < candidates.size()) {
                UpstreamHealth upstream = candidates.get(index++);
                QueryLimits.UpstreamSlot slot = limits.tryUpstream(upstream, trust);
                if (slot == null) {
                    capRefusal = limits.upstreamCap(upstream, trust);
                    continue;
                }
                send(slot, remaining);
                return;
            }
            if (open.get() > 0) {
                // every upstream tried, some still working on it: their answers count until the deadline
                exhausted = true;
                timer.schedule(() -> fail("no answer within the resolution timeout (" + lastFailure + ")"),
                        remaining, TimeUnit.NANOSECONDS);
                if (open.get() == 0) {
                    fail(lastFailure);
                }
            } else if (lastFailure == null && waitable(capRefusal) && waitForBudget()) {
                // the slow budget is spent, or the learned limit reached: wait a little for a released slot (answers
                // of live zones free it within milliseconds; a wait at the learned limit is the demand that makes it
                // grow), then BUSY (dead zones hold it for long). At the per-upstream cap the answer is BUSY at once:
                // the caller's stale answer (RFC 8767) is worth more than a wait behind dead zones
                index = 0;
                awaitRoom(capRefusal);
                capRefusal = null;
            } else if (lastFailure == null && capRefusal != null) {
                shed(capRefusal);
            } else {
                fail(lastFailure == null ? "no upstream available (all suspended)" : lastFailure);
            }
        }

        /**
         * Waits for a released slot (then tries the upstreams again) or for the end of the wait, whichever comes first.
         * At the end of the wait it tries once more while the resolution's deadline allows (a slot released between
         * the refusal and the registration of this wait woke nobody), and is otherwise BUSY, shed at {@code cap}.
         */
        private void awaitRoom(String cap) {
            AtomicBoolean woken = new AtomicBoolean();
            long left = Math.min(budgetWaitUntil, deadlineNanos) - System.nanoTime();
            Runnable retry = () -> {
                if (woken.compareAndSet(false, true)) {
                    next();
                }
            };
            limits.awaitRoom(retry);
            timer.schedule(() -> {
                if (woken.compareAndSet(false, true)) {
                    limits.cancelRoomWait(retry);
                    if (System.nanoTime() < deadlineNanos) {
                        next();
                    } else {
                        shed(cap);
                    }
                }
            }, Math.max(0, left), TimeUnit.NANOSECONDS);
        }

        private boolean waitable(String cap) {
            return "slow-budget".equals(cap) || QueryLimits.LIMIT.equals(cap);
        }

        private void shed(String cap) {
            if (closed.compareAndSet(false, true)) {
                metrics.shed(cap);
                result.complete(busy(name, type, cap));
            }
        }

        /**
         * One query to one upstream. The resolution moves on to the next upstream after the per-query timeout; the
         * query itself stays open until the upstream answers or the abandoned hold has passed, and only then gives
         * back its upstream slot. Its answer is used if the resolution still runs, and cached if it does not.
         */
        private void send(QueryLimits.UpstreamSlot slot, long remainingNanos) {
            UpstreamHealth upstream = slot.upstream();
            Duration timeout = upstream.queryTimeout(config.health().minTimeout(), config.timeouts().query());
            if (timeout.toNanos() > remainingNanos) {
                timeout = Duration.ofNanos(remainingNanos);
            }
            Duration hold = config.limits().abandonedHold().compareTo(timeout) > 0
                    ? config.limits().abandonedHold() : timeout;
            long sent = System.nanoTime();
            ScheduledFuture<?> slowMark = timer.schedule(() -> {
                slot.markSlow();
                // a zone whose query takes this long is no longer proven: its next queries use the slow budget
                zones.slow(zone);
            }, config.limits().slowThreshold().toNanos(), TimeUnit.NANOSECONDS);
            AtomicBoolean waited = new AtomicBoolean();
            ScheduledFuture<?> giveUp = timer.schedule(() -> {
                if (waited.compareAndSet(false, true)) {
                    slot.timedOut();
                    upstreams.onTimeout(upstream);
                    metrics.timeout(upstream);
                    lastFailure = "timeout from " + upstream.label();
                    next();
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            open.incrementAndGet();
            transport.query(upstream.address(), name, type, hold).whenComplete((response, failure) -> {
                slowMark.cancel(false);
                slot.release();
                open.decrementAndGet();
                long elapsed = System.nanoTime() - sent;
                if (!waited.compareAndSet(false, true)) {
                    late(upstream, response);
                    return;
                }
                giveUp.cancel(false);
                if (failure == null) {
                    slot.answered();
                    upstream.onResponse(TimeUnit.NANOSECONDS.toMillis(elapsed));
                    metrics.rtt(upstream, Duration.ofNanos(elapsed));
                    handle(upstream, response);
                    return;
                }
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                upstreams.onTimeout(upstream);
                if (cause instanceof UpstreamTimeoutException) {
                    slot.timedOut();
                    metrics.timeout(upstream);
                    lastFailure = "timeout from " + upstream.label();
                } else {
                    lastFailure = "upstream " + upstream.label() + " unreachable: " + cause.getClass().getSimpleName();
                }
                next();
            });
        }

        /** The upstream finished a query after the per-query timeout (null response: the abandoned hold passed). */
        private void late(UpstreamHealth upstream, UpstreamResponse response) {
            if (response != null) {
                metrics.lateAnswer(response.rcode());
                // it is alive: its timeout count starts again (the delay is the zone's, not the upstream's RTT)
                upstream.onLateResponse();
            }
            if (response != null && finalStatus(response) != null) {
                handle(upstream, response);
            } else if (exhausted && open.get() == 0) {
                fail(lastFailure);
            }
        }

        /**
         * A response from an upstream: NOERROR and NXDOMAIN are cached and answer the resolution if it still runs
         * (a late one is cached all the same, so the next lookup is answered at once); any other rcode sends the
         * resolution to the next upstream.
         */
        private void handle(UpstreamHealth upstream, UpstreamResponse received) {
            UpstreamResponse response = received.answering(name, type);
            metrics.foreignRecordsDropped(received.answers().size() - response.answers().size());
            DnsStatus status = finalStatus(response);
            if (status == null) {
                lastFailure = response.rcode() + " from " + upstream.label();
                next();
                return;
            }
            // the zone's servers answer: its queries do not sit in the upstream until its timeout
            zones.answered(zone);
            upstreams.answered(name, type);
            boolean first = closed.compareAndSet(false, true);
            List<DnsRecordData> records = status == DnsStatus.NXDOMAIN ? List.of() : response.answers();
            DnsCacheEntry entry = cache.storeResult(name, type, status, records, response.negativeTtlSeconds());
            if (first) {
                long ttl = entry.records().isEmpty() ? 0 : entry.records().get(0).ttl();
                result.complete(CachedAnswers.fromEntry(entry, status, ttl, entry.storedAtMillis(), null));
            }
        }

        private void fail(String detail) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            cache.storeFailure(name, type, detail);
            zones.failed(zone);
            metrics.failureCached();
            result.complete(new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0, detail));
        }
    }

    QueryLimits limits() {
        return limits;
    }

    Upstreams upstreams() {
        return upstreams;
    }

    /** ANSWER, NODATA or NXDOMAIN for a response that ends a resolution; null for one that does not. */
    private static DnsStatus finalStatus(UpstreamResponse response) {
        return switch (response.rcode()) {
            case NOERROR -> response.answers().isEmpty() ? DnsStatus.NODATA : DnsStatus.ANSWER;
            case NXDOMAIN -> DnsStatus.NXDOMAIN;
            default -> null;
        };
    }

    private static DnsAnswer busy(String name, DnsType type, String cap) {
        return new DnsAnswer(name, type, DnsStatus.BUSY, List.of(), 0, "shed at the " + cap + " cap");
    }
}
