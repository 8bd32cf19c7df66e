package org.securemail.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.ServiceProcess;

/**
 * The packaged service as a real process, killed with -9 and restarted while every upstream is dead: it answers the
 * names it saw before from the cache restored from {@code dns.cache}, without sending one query upstream, and serves
 * expired ones STALE within the client response timer.
 */
class RestartIT {

    private KafkaBroker broker;
    private TestDnsServer upstream;
    private ServiceProcess service;

    @BeforeEach
    void start() {
        broker = KafkaBroker.start();
        upstream = TestDnsServer.start();
        service = ServiceProcess.of("dns-service-restart", Path.of("target/quarkus-app/quarkus-run.jar"),
                Path.of("target/it-logs"), Map.of(
                        "kafka.bootstrap.servers", broker.bootstrapServers(),
                        "dns.upstreams", upstream.hostPort(),
                        "dns.cache.min-ttl", "1s"));
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        upstream.close();
        broker.close();
    }

    @Test
    void aRestartedServiceAnswersFromTheRestoredCacheWithoutTheUpstream() throws IOException {
        upstream.zone("restart.test").ttl(3600);
        upstream.record("restart.test", "MX", "10 mx1.restart.test.");
        upstream.zone("short.test").ttl(2);
        service.start(Duration.ofSeconds(90));
        assertThat(service.get("/dns/MX/restart.test").body()).contains("\"status\":\"ANSWER\"").contains("10 mx1.restart.test");
        assertThat(service.get("/dns/A/www.short.test").body()).contains("\"status\":\"ANSWER\"");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                broker.read(Topics.DNS_CACHE, 100, Duration.ofSeconds(2))).extracting(ConsumerRecord::key)
                .contains("MX/restart.test", "A/www.short.test"));

        service.kill();
        upstream.silent(true);
        long upstreamQueriesBefore = upstream.queries();
        service.start(Duration.ofSeconds(90));

        String restored = service.get("/dns/MX/restart.test").body();
        assertThat(restored).contains("\"status\":\"ANSWER\"").contains("10 mx1.restart.test");
        assertThat(upstream.queries()).as("queries sent upstream after the restart").isEqualTo(upstreamQueriesBefore);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            long start = System.nanoTime();
            String stale = service.get("/dns/A/www.short.test").body();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(stale).contains("\"status\":\"STALE\"").contains("\"ttl\":30");
            assertThat(millis).as("stale answer within the client response timer (1.8 s)").isLessThan(2_500);
        });
    }
}
