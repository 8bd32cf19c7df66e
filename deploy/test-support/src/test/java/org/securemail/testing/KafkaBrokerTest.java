package org.securemail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.TopicSpec;
import org.securemail.common.topics.Topics;

/** The test broker is a real broker with the platform's topics, as the services will find it in production. */
class KafkaBrokerTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void createsEveryTopicOfTheCatalogueWithItsSettings() throws Exception {
        try (Admin admin = broker.admin()) {
            for (TopicSpec spec : Topics.all()) {
                var description = admin.describeTopics(List.of(spec.name())).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(spec.name());
                assertThat(description.partitions()).as(spec.name()).hasSize(spec.partitions());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
                Config config = admin.describeConfigs(List.of(resource)).all()
                        .get(30, TimeUnit.SECONDS).get(resource);
                assertThat(config.get("cleanup.policy").value()).as(spec.name())
                        .isEqualTo(spec.cleanupPolicy());
                assertThat(config.get("max.message.bytes").value()).as(spec.name())
                        .isEqualTo(Integer.toString(spec.maxMessageBytes()));
            }
        }
    }

    @Test
    void anAcknowledgedRecordIsReadBack() {
        broker.send(Topics.DELIVERY_EVENTS, "q1", "hello".getBytes(StandardCharsets.UTF_8),
                Map.of("h", "v".getBytes(StandardCharsets.UTF_8)));
        var records = broker.read(Topics.DELIVERY_EVENTS, 1, Duration.ofSeconds(30));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("q1");
        assertThat(new String(records.get(0).headers().lastHeader("h").value(), StandardCharsets.UTF_8)).isEqualTo("v");
    }

    @Test
    void aTwentyMebibyteRecordFitsTheMailTopic() {
        byte[] big = new byte[20 * 1024 * 1024];
        broker.send(Topics.MAIL_ACCEPTED, "big", big, Map.of());
        var records = broker.read(Topics.MAIL_ACCEPTED, 1, Duration.ofSeconds(60));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).hasSize(big.length);
    }
}
