package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.bench.ClosedLoop;
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

            ClosedLoop.Result miss = ClosedLoop.run(concurrency, misses, i -> resolver.resolve("k" + i + ".z" + (i % 500) + ".bench", DnsType.A, deadline));
            System.out.println("BENCH Kafka request/reply via dns-client, cache miss (client, service and resolver): " + miss);
            System.out.println("reasons: " + ClosedLoop.REASONS);
            assertThat(miss.count(DnsStatus.ANSWER)).isPositive();

            // the hit set: every name answered once (some of the closed loop's misses were shed BUSY at the cap)
            for (int i = 0; i < 1000; i++) {
                String name = "k" + i + ".z" + (i % 500) + ".bench";
                await().atMost(Duration.ofSeconds(30)).until(() -> resolver.resolve(name, DnsType.A, deadline)
                        .await().atMost(Duration.ofSeconds(10)).status() == DnsStatus.ANSWER);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> local.fresh("k999.z499.bench", DnsType.A,
                    System.currentTimeMillis()).isPresent());
            ClosedLoop.Result hit = ClosedLoop.run(concurrency, hits, i -> resolver.resolve("k" + (i % 1000) + ".z" + (i % 1000 % 500) + ".bench",
                    DnsType.A, deadline));
            System.out.println("BENCH dns-client in-process, local cache hit (fed by dns.cache): " + hit);
            assertThat(hit.count(DnsStatus.ANSWER)).isPositive();
        }
    }
}
