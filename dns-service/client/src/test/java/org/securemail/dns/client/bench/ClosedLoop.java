package org.securemail.dns.client.bench;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;

/** Closed-loop load for benchmarks: {@code concurrency} lookups in flight until {@code total} have finished. */
public final class ClosedLoop {

    /** Throughput, latency percentiles and statuses of one run. */
    public record Result(int total, long elapsedNanos, long p50Micros, long p99Micros, Map<DnsStatus, Integer> statuses) {

        public int count(DnsStatus status) {
            return statuses.getOrDefault(status, 0);
        }

        public double perSecond() {
            return total / (elapsedNanos / 1e9);
        }

        @Override
        public String toString() {
            return String.format("%d lookups in %.2f s = %.0f lookups/s, p50 %.2f ms, p99 %.2f ms, %s", total,
                    elapsedNanos / 1e9, perSecond(), p50Micros / 1000.0, p99Micros / 1000.0, statuses);
        }
    }

    /** Why lookups were not answered (detail texts with digits masked), across runs; for reports. */
    public static final java.util.concurrent.ConcurrentHashMap<String, Integer> REASONS = new java.util.concurrent.ConcurrentHashMap<>();

    private ClosedLoop() {
    }

    public static Result run(int concurrency, int total, IntFunction<Uni<DnsAnswer>> lookup) throws InterruptedException {
        AtomicLongArray micros = new AtomicLongArray(total);
        AtomicInteger next = new AtomicInteger();
        int[] statusCounts = new int[DnsStatus.values().length + 1];
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int worker = 0; worker < Math.min(concurrency, total); worker++) {
            issue(next, total, lookup, micros, statusCounts, done);
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("benchmark did not finish");
        }
        long elapsed = System.nanoTime() - start;
        long[] sorted = new long[total];
        for (int i = 0; i < total; i++) {
            sorted[i] = micros.get(i);
        }
        Arrays.sort(sorted);
        Map<DnsStatus, Integer> statuses = new EnumMap<>(DnsStatus.class);
        synchronized (statusCounts) {
            for (DnsStatus status : DnsStatus.values()) {
                if (statusCounts[status.ordinal()] > 0) {
                    statuses.put(status, statusCounts[status.ordinal()]);
                }
            }
        }
        return new Result(total, elapsed, sorted[(int) (total * 0.50)], sorted[Math.min(total - 1, (int) (total * 0.99))],
                statuses);
    }

    /**
     * One worker: issues lookups one after the other. Answers that arrive synchronously (cache hits) continue the
     * loop here; asynchronous ones continue it from the callback. No recursion either way.
     */
    private static void issue(AtomicInteger next, int total, IntFunction<Uni<DnsAnswer>> lookup, AtomicLongArray micros,
            int[] statusCounts, CountDownLatch done) {
        while (true) {
            int index = next.getAndIncrement();
            if (index >= total) {
                return;
            }
            long start = System.nanoTime();
            AtomicInteger state = new AtomicInteger(); // 0 pending, 1 answered inline, 2 caller left
            lookup.apply(index).subscribe().with(answer -> {
                micros.set(index, (System.nanoTime() - start) / 1000);
                synchronized (statusCounts) {
                    statusCounts[answer.status().ordinal()]++;
                }
                if (answer.detail() != null) {
                    REASONS.merge(answer.detail().replaceAll("[0-9]+", "#"), 1, Integer::sum);
                }
                done.countDown();
                if (!state.compareAndSet(0, 1)) {
                    issue(next, total, lookup, micros, statusCounts, done);
                }
            }, failure -> {
                micros.set(index, (System.nanoTime() - start) / 1000);
                done.countDown();
                if (!state.compareAndSet(0, 1)) {
                    issue(next, total, lookup, micros, statusCounts, done);
                }
            });
            if (state.compareAndSet(0, 2)) {
                return;
            }
        }
    }
}
