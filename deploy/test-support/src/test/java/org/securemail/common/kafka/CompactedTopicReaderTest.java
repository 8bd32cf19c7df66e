package org.securemail.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.TopicSpec;
import org.securemail.testing.KafkaBroker;

/** The suite's one reader of compacted topics, against a real broker. */
class CompactedTopicReaderTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static void createTable(String name) {
        broker.createTopics(List.of(new TopicSpec(name, 3, true, 1_000_000, -1, false)));
    }

    private static void put(String topic, String key, String value) {
        broker.send(topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryPartitionOfEveryTopicToTheEndBeforeItIsCaughtUp() throws Exception {
        createTable("t.domains");
        createTable("t.users");
        for (int i = 0; i < 50; i++) {
            put("t.domains", "d" + i, "v" + i);
        }
        put("t.users", "alice", "1");
        put("t.users", "alice", "2");
        put("t.domains", "d7", null);
        Map<String, String> table = new ConcurrentHashMap<>();
        KafkaClientSettings settings = KafkaClientSettings.of(broker.bootstrapServers());

        try (CompactedTopicReader reader = CompactedTopicReader.builder(settings, "table", "t.domains", "t.users")
                .sink(r -> {
                    if (r.value() == null) {
                        table.remove(r.topic() + "/" + r.key());
                    } else {
                        table.put(r.topic() + "/" + r.key(), text(r.value()));
                    }
                }).build().start()) {
            reader.caughtUp().get(60, TimeUnit.SECONDS);

            assertThat(table).hasSize(50).containsEntry("t.users/alice", "2").containsEntry("t.domains/d49", "v49")
                    .doesNotContainKey("t.domains/d7");
        }
    }

    @Test
    void keepsFollowingTheTopicAfterItIsCaughtUp() throws Exception {
        createTable("t.follow");
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (CompactedTopicReader reader = CompactedTopicReader.builder(
                KafkaClientSettings.of(broker.bootstrapServers()), "follow", "t.follow")
                .sink(r -> seen.add(r.key() + "=" + text(r.value()))).build().start()) {
            reader.caughtUp().get(60, TimeUnit.SECONDS);
            assertThat(seen).isEmpty();

            put("t.follow", "k", "later");

            assertThat(seen.poll(30, TimeUnit.SECONDS)).isEqualTo("k=later");
        }
    }

    @Test
    void aCatchUpCompletesOnceEverythingWrittenBeforeItIsInTheTable() throws Exception {
        createTable("t.catchup");
        Map<String, String> table = new ConcurrentHashMap<>();
        CompactedTopicReader reader = CompactedTopicReader.builder(KafkaClientSettings.of(broker.bootstrapServers()),
                "catchup", "t.catchup").batchedFetch().sink(r -> table.put(r.key(), text(r.value()))).build().start();
        try (reader) {
            reader.caughtUp().get(60, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                put("t.catchup", "k" + i, "v" + i);
            }

            reader.catchUp().get(60, TimeUnit.SECONDS);

            // no wait: a batched follower lags its topic by up to 500 ms, the catch-up does not
            assertThat(table).hasSize(200).containsEntry("k199", "v199");
        }
        assertThat(reader.catchUp()).as("after the close").isCompletedExceptionally();
    }

    @Test
    void skipsARecordTheSinkCannotTakeReportsItAndReadsOn() throws Exception {
        createTable("t.poison");
        put("t.poison", "bad", "{not json");
        put("t.poison", "good", "ok");
        Map<String, String> table = new ConcurrentHashMap<>();
        BlockingQueue<String> skipped = new LinkedBlockingQueue<>();
        try (CompactedTopicReader reader = CompactedTopicReader.builder(
                KafkaClientSettings.of(broker.bootstrapServers()), "poison", "t.poison")
                .sink(r -> {
                    if (r.key().equals("bad")) {
                        throw new java.io.IOException("unreadable");
                    }
                    table.put(r.key(), text(r.value()));
                })
                .onUnreadable((r, cause) -> skipped.add(r.key() + ":" + cause.getMessage()))
                .build().start()) {
            reader.caughtUp().get(60, TimeUnit.SECONDS);

            assertThat(skipped.poll(5, TimeUnit.SECONDS)).isEqualTo("bad:unreadable");
            assertThat(table).containsOnly(Map.entry("good", "ok"));
        }
    }

    @Test
    void waitsForATopicThatIsCreatedLater() throws Exception {
        AtomicInteger applied = new AtomicInteger();
        try (CompactedTopicReader reader = CompactedTopicReader.builder(
                KafkaClientSettings.of(broker.bootstrapServers()), "late", "t.late")
                .sink(r -> applied.incrementAndGet())
                .retryPause(java.time.Duration.ofMillis(200))
                .build().start()) {
            assertThat(reader.caughtUp()).isNotDone();

            createTable("t.late");
            put("t.late", "k", "v");

            reader.caughtUp().get(60, TimeUnit.SECONDS);
            assertThat(applied.get()).isEqualTo(1);
        }
    }

    @Test
    void readsWithTheServicesSharedSettingsItsOwnClientIdAndNoGroup() {
        KafkaClientSettings settings = KafkaClientSettings.of(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "metadata.max.age.ms", "54321",
                "group.id", "the-service",
                KafkaClientSettings.CLIENT_ID_PREFIX, "svc-"), "unused-");

        try (CompactedTopicReader reader = CompactedTopicReader.builder(settings, "table", "t.any").sink(r -> { })
                .build()) {
            assertThat(reader.consumerConfig())
                    .containsEntry("metadata.max.age.ms", "54321")
                    .containsEntry("client.id", "svc-table")
                    .containsEntry("enable.auto.commit", "false")
                    .doesNotContainKey("fetch.min.bytes") // a table's changes show at once unless batched
                    .doesNotContainKey("group.id")
                    .doesNotContainKey(KafkaClientSettings.CLIENT_ID_PREFIX);
        }
    }

    @Test
    void aBusyFollowerFetchesInBatchesUnlessTheServiceSaysOtherwise() {
        KafkaClientSettings settings = KafkaClientSettings.of(Map.of(
                "bootstrap.servers", broker.bootstrapServers()), "svc-");
        KafkaClientSettings tuned = KafkaClientSettings.of(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "fetch.max.wait.ms", "50"), "svc-");

        try (CompactedTopicReader batched = CompactedTopicReader.builder(settings, "busy", "t.any").sink(r -> { })
                .batchedFetch().build();
                CompactedTopicReader own = CompactedTopicReader.builder(tuned, "busy", "t.any").sink(r -> { })
                        .batchedFetch().build()) {
            assertThat(batched.consumerConfig())
                    .containsEntry("fetch.min.bytes", 65536) // issue 15: many records per fetch
                    .containsEntry("fetch.max.wait.ms", 500);
            assertThat(own.consumerConfig()).containsEntry("fetch.max.wait.ms", "50");
        }
    }
}
