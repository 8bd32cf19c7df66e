package org.securemail.provisioning.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

/**
 * The sweeper on the real broker and PostgreSQL (ADR 0073): releases the API claimed and never finished are written
 * to {@code mail.ready} again, each once even when sweeps run at the same time, a bounded batch per sweep.
 */
@QuarkusTest
class QuarantineSweeperTest {

    private static final Duration SWEEP = Duration.ofMinutes(2);
    /** {@code %test.provisioning.quarantine.sweep-batch-size} */
    private static final int BATCH = 3;

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    @Inject
    Pool pool;

    @Inject
    QuarantineSweeper sweeper;

    @Inject
    MeterRegistry registry;

    HeldMail mail;
    String key;
    String tenant;

    @BeforeEach
    void setUp() {
        mail = new HeldMail(broker, json);
        tenant = Api.createTenant("quarantine-sweeper");
        key = Api.tenantKey(tenant);
    }

    /** Held messages whose releases were claimed {@code daysAgo} and abandoned: queue id → row id. */
    private Map<String, String> abandoned(int count, int daysAgo) throws Exception {
        List<String> queueIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queueIds.add(mail.hold(tenant, "s" + i + "@forger.example", "Subject: held " + i + "\r\n\r\nbody\r\n"));
        }
        Map<String, String> ids = queueIds.stream().collect(Collectors.toMap(Function.identity(),
                q -> HeldMail.idOf(key, q)));
        ids.values().forEach(id -> HeldMail.claimedAndAbandoned(pool, id, daysAgo));
        return ids;
    }

    private Map<String, Long> onMailReady(Map<String, String> ids) {
        return broker.readToEnd(Topics.MAIL_READY).stream().map(ConsumerRecord::key).filter(ids::containsKey)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void anAbandonedReleaseIsWrittenOnceEvenBySweepsRunningAtTheSameTime() throws Exception {
        Map<String, String> ids = abandoned(4, 1);

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Integer>> sweeps = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                sweeps.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return sweeper.sweep().await().atMost(SWEEP);
                }, replicas));
            }
            start.countDown();
            int swept = 0;
            for (CompletableFuture<Integer> sweep : sweeps) {
                swept += sweep.get(SWEEP.toSeconds(), TimeUnit.SECONDS);
            }
            // two sweeps of three rows between them took the four, none twice
            assertThat(swept).isEqualTo(4);
        } finally {
            replicas.shutdownNow();
        }

        ids.values().forEach(id -> assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASED"));
        ids.values().forEach(id -> assertThat(HeldMail.attempts(pool, id)).isEqualTo(2));
        Map<String, Long> ready = onMailReady(ids);
        assertThat(ready).hasSize(4).allSatisfy((queueId, n) -> assertThat(n).as(queueId).isEqualTo(1L));
        ConsumerRecord<String, byte[]> one = broker.readToEnd(Topics.MAIL_READY).stream()
                .filter(r -> r.key().equals(ids.keySet().iterator().next())).findFirst().orElseThrow();
        assertThat(new String(one.value(), StandardCharsets.UTF_8)).startsWith("Subject: held ");
        assertThat(one.headers().lastHeader("sm-verdict")).isNull();
    }

    @Test
    void oneSweepWritesAtMostItsBatchAndCountsWhatIsLeft() throws Exception {
        Map<String, String> ids = abandoned(BATCH + 2, 30);
        double written = registry.counter("provisioning.quarantine.redriven", "outcome", "written").count();

        assertThat(sweeper.sweep().await().atMost(SWEEP)).isEqualTo(BATCH);
        assertThat(ids.values().stream().filter(id -> HeldMail.state(pool, id).equals("RELEASED"))).hasSize(BATCH);
        assertThat(registry.get("provisioning.quarantine.releasing.stuck").gauge().value())
                .isGreaterThanOrEqualTo(2.0);

        sweeper.sweep().await().atMost(SWEEP);
        ids.values().forEach(id -> assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASED"));
        assertThat(registry.counter("provisioning.quarantine.redriven", "outcome", "written").count())
                .isEqualTo(written + BATCH + 2);
        assertThat(onMailReady(ids)).hasSize(BATCH + 2).allSatisfy((queueId, n) -> assertThat(n).isEqualTo(1L));
    }

    @Test
    void aReleaseClaimedRecentlyIsLeftToTheReleaseInProgress() throws Exception {
        String queueId = mail.hold(tenant, "recent@forger.example", "Subject: in progress\r\n\r\nx\r\n");
        String id = HeldMail.idOf(key, queueId);
        HeldMail.claimedAndAbandoned(pool, id, 0); // claimed just now: release-retry-after (5 min) has not passed

        sweeper.sweep().await().atMost(SWEEP);

        assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASING");
        assertThat(HeldMail.attempts(pool, id)).isEqualTo(1);
        assertThat(onMailReady(Map.of(queueId, id))).isEmpty();
        // a leftover for the other tests' sweeps would be one more due row: finish it
        HeldMail.ageClaim(pool, id, 365);
        sweeper.sweep().await().atMost(SWEEP);
        assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASED");
    }
}
