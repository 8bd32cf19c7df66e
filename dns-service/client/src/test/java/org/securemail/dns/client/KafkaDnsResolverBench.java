package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.ServiceProcess;

/**
 * Benchmark (run by deploy/bench/dns-bench, not by the test suite): lookups through this library over Kafka to the
 * packaged DNS service (a separate process) and a real resolver ({@code -Dbench.upstream}); cache misses (fresh names:
 * client, Kafka, service and resolver) and local cache hits (answers fed from dns.cache). Prints "BENCH" lines.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class KafkaDnsResolverBench {

    @Inject
    DnsResolver resolver;

    @Inject
    LocalDnsCache local;

    @InjectKafkaBroker
    KafkaBroker broker;

    @Test
    void lookupsPerSecondOverKafka() throws Exception {
        String upstream = System.getProperty("bench.upstream", "127.0.0.1:53");
        Path jar = Path.of(System.getProperty("bench.service-jar", "../server/target/quarkus-app/quarkus-run.jar"));
        int misses = Integer.getInteger("bench.misses", 5_000);
        int hits = Integer.getInteger("bench.hits", 200_000);
        int concurrency = Integer.getInteger("bench.concurrency", 64);
        try (ServiceProcess service = ServiceProcess.of("dns-service-bench", jar, Path.of("target/bench-logs"), Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "dns.upstreams", upstream,
                "dns.limits.slow-budget", "128",
                // a local resolver answering local data gives up on nothing: its "own timeout" is short
                "dns.limits.abandoned-hold", System.getProperty("bench.abandoned-hold", "2s")))) {
            service.start(Duration.ofSeconds(90));
            Duration deadline = Duration.ofSeconds(5);
            // warm-up: the first requests wait for the reply consumer's assignment and the service's group join
            await().atMost(Duration.ofSeconds(60)).until(() -> resolver.resolve("warmup.bench", DnsType.A, deadline)
                    .await().atMost(Duration.ofSeconds(10)).status() == DnsStatus.ANSWER);

            Result miss = run(concurrency, misses, i -> resolver.resolve("k" + i + ".z" + (i % 500) + ".bench", DnsType.A, deadline));
            System.out.println("BENCH Kafka request/reply via dns-client, cache miss (client, service and resolver): " + miss);
            System.out.println("reasons: " + REASONS);
            assertThat(miss.count(DnsStatus.ANSWER)).isPositive();

            await().atMost(Duration.ofSeconds(60)).until(() -> local.fresh("k999.z499.bench", DnsType.A,
                    System.currentTimeMillis()).isPresent());
            Result hit = run(concurrency, hits, i -> resolver.resolve("k" + (i % 1000) + ".z" + (i % 1000 % 500) + ".bench",
                    DnsType.A, deadline));
            System.out.println("BENCH dns-client in-process, local cache hit (fed by dns.cache): " + hit);
            assertThat(hit.count(DnsStatus.ANSWER)).isPositive();
        }
    }

    static final java.util.concurrent.ConcurrentHashMap<String, Integer> REASONS = new java.util.concurrent.ConcurrentHashMap<>();

    record Result(int total, long elapsedNanos, long p50Micros, long p99Micros, Map<DnsStatus, Integer> statuses) {

        int count(DnsStatus status) {
            return statuses.getOrDefault(status, 0);
        }

        @Override
        public String toString() {
            return String.format("%d lookups in %.2f s = %.0f lookups/s, p50 %.2f ms, p99 %.2f ms, %s", total,
                    elapsedNanos / 1e9, total / (elapsedNanos / 1e9), p50Micros / 1000.0, p99Micros / 1000.0, statuses);
        }
    }

    /** Closed loop: {@code concurrency} lookups in flight until {@code total} finished (no recursion on sync answers). */
    static Result run(int concurrency, int total, IntFunction<Uni<DnsAnswer>> lookup) throws InterruptedException {
        AtomicLongArray micros = new AtomicLongArray(total);
        AtomicInteger next = new AtomicInteger();
        int[] counts = new int[DnsStatus.values().length];
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int worker = 0; worker < Math.min(concurrency, total); worker++) {
            worker(next, total, lookup, micros, counts, done);
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
        synchronized (counts) {
            for (DnsStatus status : DnsStatus.values()) {
                if (counts[status.ordinal()] > 0) {
                    statuses.put(status, counts[status.ordinal()]);
                }
            }
        }
        return new Result(total, elapsed, sorted[total / 2], sorted[Math.min(total - 1, (int) (total * 0.99))], statuses);
    }

    private static void worker(AtomicInteger next, int total, IntFunction<Uni<DnsAnswer>> lookup,
            AtomicLongArray micros, int[] counts, CountDownLatch done) {
        while (true) {
            int index = next.getAndIncrement();
            if (index >= total) {
                return;
            }
            long start = System.nanoTime();
            AtomicInteger state = new AtomicInteger();
            lookup.apply(index).subscribe().with(answer -> {
                micros.set(index, (System.nanoTime() - start) / 1000);
                synchronized (counts) {
                    counts[answer.status().ordinal()]++;
                }
                if (answer.detail() != null) {
                    REASONS.merge(answer.detail().replaceAll("[0-9]+", "#"), 1, Integer::sum);
                }
                done.countDown();
                if (!state.compareAndSet(0, 1)) {
                    worker(next, total, lookup, micros, counts, done);
                }
            });
            if (state.compareAndSet(0, 2)) {
                return;
            }
        }
    }
}
