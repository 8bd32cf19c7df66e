package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.smtp.ConnectionLimiter.Refusal;

class ConnectionLimiterTest {

    private static final TrustedNetworks LOOPBACK = TrustedNetworks.of(List.of("127.0.0.0/8", "::1/128"));

    @Test
    void aTrustedAddressOpensMoreThanTheLimitPerAddressWhileAnotherIsRefusedAtIt() {
        ConnectionLimiter limiter = limiter(1000, 800, 50, LOOPBACK);
        for (int i = 0; i < 200; i++) {
            assertThat(limiter.acquire("127.0.0.1", Listener.MX)).as("trusted connection %d", i + 1).isNull();
        }
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isNull();
        }
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
        assertThat(limiter.acquire("192.0.2.1", Listener.SUBMISSION)).isEqualTo(Refusal.CLIENT_IP);
    }

    @Test
    void withoutTrustedNetworksLoopbackIsLimitedLikeEveryoneElse() {
        ConnectionLimiter limiter = limiter(1000, 800, 50, TrustedNetworks.none());
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isNull();
        }
        assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
    }

    @Test
    void trustedIpv6AndIpv4MappedClientsAreExemptAndOtherIpv6ClientsAreNot() {
        ConnectionLimiter limiter = limiter(1000, 800, 3, LOOPBACK);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire("0:0:0:0:0:0:0:1", Listener.MX)).isNull();
            assertThat(limiter.acquire("::ffff:127.0.0.1", Listener.MX)).isNull();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("2001:db8:0:0:0:0:0:1", Listener.MX)).isNull();
            assertThat(limiter.acquire("::ffff:192.0.2.1", Listener.MX)).isNull();
        }
        assertThat(limiter.acquire("2001:db8:0:0:0:0:0:1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
        assertThat(limiter.acquire("::ffff:192.0.2.1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
    }

    @Test
    void trustedConnectionsStillCountAgainstTheTotal() {
        ConnectionLimiter limiter = limiter(10, 10, 3, LOOPBACK);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isNull();
        }
        assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isEqualTo(Refusal.TOTAL);
        assertThat(limiter.acquire("192.0.2.1", Listener.SUBMISSION)).as("nor anyone else").isEqualTo(Refusal.TOTAL);
        limiter.release("127.0.0.1", Listener.MX);
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isNull();
    }

    @Test
    void trustedConnectionsStillCountAgainstTheirListener() {
        ConnectionLimiter limiter = limiter(100, 5, 3, LOOPBACK);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire("::1", Listener.MX)).isNull();
        }
        assertThat(limiter.acquire("::1", Listener.MX)).isEqualTo(Refusal.LISTENER);
        assertThat(limiter.acquire("::1", Listener.SUBMISSION)).as("the other listener keeps its slots").isNull();
    }

    @Test
    void closingTrustedConnectionsGivesEverySlotBack() {
        ConnectionLimiter limiter = limiter(20, 20, 2, LOOPBACK);
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isNull();
        }
        for (int i = 0; i < 20; i++) {
            limiter.release("127.0.0.1", Listener.MX);
        }
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isNull();
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isNull();
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
        for (int i = 0; i < 18; i++) {
            assertThat(limiter.acquire("127.0.0.1", Listener.MX)).as("the whole total is free again").isNull();
        }
        assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isEqualTo(Refusal.TOTAL);
    }

    @Test
    void trustedAndUntrustedClientsConnectingAtOnceLeaveNoSlotBehind() throws Exception {
        ConnectionLimiter limiter = limiter(400, 400, 5, LOOPBACK);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String ip = t % 2 == 0 ? "127.0.0.1" : "192.0.2.1";
                clients.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 2000; round++) {
                        Refusal refused = limiter.acquire(ip, Listener.MX);
                        assertThat(refused).as("four clients per address, under every limit").isNull();
                        limiter.release(ip, Listener.MX);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isNull();
        }
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
        for (int i = 0; i < 395; i++) {
            assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isNull();
        }
        assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isEqualTo(Refusal.TOTAL);
    }

    @Test
    void theEnvironmentVariableSetsTheTrustedNetworks() {
        ConnectionLimiter limiter = new ConnectionLimiter(config(Map.of(
                "INGEST_LIMITS_MAX_CONNECTIONS_PER_IP", "2",
                "INGEST_LIMITS_TRUSTED_NETWORKS", "127.0.0.0/8,::1/128")));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isNull();
            assertThat(limiter.acquire("0:0:0:0:0:0:0:1", Listener.SUBMISSION)).isNull();
        }
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isNull();
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isNull();
        assertThat(limiter.acquire("192.0.2.1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
    }

    @Test
    void byDefaultNoNetworkIsTrusted() {
        IngestConfig config = config(Map.of("INGEST_LIMITS_MAX_CONNECTIONS_PER_IP", "2"));
        assertThat(config.limits().trustedNetworks()).isEmpty();
        ConnectionLimiter limiter = new ConnectionLimiter(config);
        assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isNull();
        assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isNull();
        assertThat(limiter.acquire("127.0.0.1", Listener.MX)).isEqualTo(Refusal.CLIENT_IP);
    }

    @Test
    void aBadEntryInTheConfigurationStopsTheLimiterFromBeingBuilt() {
        IngestConfig config = config(Map.of("INGEST_LIMITS_TRUSTED_NETWORKS", "127.0.0.0/8,10.0.0.0/33"));
        assertThatThrownBy(() -> new ConnectionLimiter(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ingest.limits.trusted-networks entry 2 \"10.0.0.0/33\" is not an IPv4 or IPv6 "
                        + "network (prefix out of range");
        assertThat(ConnectionLimiter.class.isAnnotationPresent(Startup.class))
                .as("built at start-up, so the service does not start with it").isTrue();
    }

    private static ConnectionLimiter limiter(int total, int perListener, int perIp, TrustedNetworks trusted) {
        return new ConnectionLimiter(total, Map.of(Listener.MX, perListener, Listener.SUBMISSION, perListener), perIp,
                trusted);
    }

    private static IngestConfig config(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("INGEST_MX_PORT", "0");
        all.put("INGEST_SUBMISSION_PORT", "0");
        return new SmallRyeConfigBuilder().withMapping(IngestConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(all, 300))
                .build().getConfigMapping(IngestConfig.class);
    }
}
