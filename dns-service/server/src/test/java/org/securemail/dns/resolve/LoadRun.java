package org.securemail.dns.resolve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;

/**
 * Open-loop load: a fixed number of lookups per second for a while, each recorded with its class (healthy/dead,
 * cache miss or repeat), status and latency. Used by the incident tests and the benchmark.
 */
public final class LoadRun {

    /** One planned lookup. */
    public record Lookup(String name, DnsType type, String kind) {
    }

    /** One finished lookup. */
    public record Result(String kind, DnsStatus status, long micros, String detail) {
    }

    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();

    /** Runs {@code perSecond} lookups per second for {@code duration}; waits for every answer (bounded). */
    public LoadRun run(LookupService lookups, int perSecond, Duration duration, Supplier<Lookup> next)
            throws InterruptedException {
        int tickMillis = 10;
        int perTick = Math.max(1, perSecond * tickMillis / 1000);
        long ticks = duration.toMillis() / tickMillis;
        CountDownLatch done = new CountDownLatch((int) (ticks * perTick));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger fired = new AtomicInteger();
        try {
            ticker.scheduleAtFixedRate(() -> {
                if (fired.getAndIncrement() >= ticks) {
                    return;
                }
                for (int i = 0; i < perTick; i++) {
                    Lookup lookup = next.get();
                    long start = System.nanoTime();
                    lookups.resolve(lookup.name(), lookup.type()).subscribe().with(answer -> {
                        results.add(new Result(lookup.kind(), answer.status(), (System.nanoTime() - start) / 1000,
                                answer.detail()));
                        done.countDown();
                    }, failure -> {
                        results.add(new Result(lookup.kind(), null, (System.nanoTime() - start) / 1000, failure.toString()));
                        done.countDown();
                    });
                }
            }, 0, tickMillis, TimeUnit.MILLISECONDS);
            if (!done.await(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("lookups still unanswered 30 s after the load ended: "
                        + done.getCount());
            }
        } finally {
            ticker.shutdownNow();
        }
        return this;
    }

    public List<Result> of(String kind) {
        return results.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    public static long percentileMicros(List<Result> results, double percentile) {
        if (results.isEmpty()) {
            return 0;
        }
        List<Long> micros = new ArrayList<>(results.stream().map(Result::micros).toList());
        Collections.sort(micros);
        int index = (int) Math.ceil(percentile / 100.0 * micros.size()) - 1;
        return micros.get(Math.max(0, Math.min(index, micros.size() - 1)));
    }

    public static long count(List<Result> results, DnsStatus status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    public static String summary(String kind, List<Result> results) {
        StringBuilder out = new StringBuilder(String.format("%-14s n=%-6d p50=%6.1fms p99=%7.1fms", kind,
                results.size(), percentileMicros(results, 50) / 1000.0, percentileMicros(results, 99) / 1000.0));
        for (DnsStatus status : DnsStatus.values()) {
            long n = count(results, status);
            if (n > 0) {
                out.append(' ').append(status).append('=').append(n);
            }
        }
        return out.toString();
    }

    /** The most frequent details (reasons) of non-answers, for reports. */
    public static String reasons(List<Result> results) {
        return results.stream().filter(r -> r.detail() != null)
                .collect(java.util.stream.Collectors.groupingBy(r -> r.detail().replaceAll("[0-9]+", "#"),
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                .map(e -> e.getValue() + "x " + e.getKey()).toList().toString();
    }
}
