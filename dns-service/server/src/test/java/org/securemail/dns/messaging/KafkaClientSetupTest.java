package org.securemail.dns.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

import javax.management.ObjectName;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import org.junit.jupiter.api.Test;
import org.securemail.dns.cache.CacheRestorer;
import org.securemail.testing.KafkaBrokerResource;

/**
 * One Kafka client setup per service (ADR 0009): a {@code kafka.*} setting made once reaches a SmallRye channel and a
 * hand-built client alike, and both carry the service's client id prefix on the real broker.
 */
@QuarkusTest
@TestProfile(KafkaClientSetupTest.ExtraSetting.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class KafkaClientSetupTest {

    public static class ExtraSetting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.metadata.max.age.ms", "54321", "kafka.client-id-prefix", "dnstest-");
        }
    }

    @Inject
    KafkaClientService clients;

    @Inject
    CacheRestorer restorer;

    @Test
    void aChannelAndAHandBuiltClientTakeTheSameExtraSetting() {
        Map<String, Object> channel = Map.copyOf(clients.getConsumer(QueryResponder.QUERIES).configuration());
        Map<String, Object> handBuilt = restorer.consumerConfig();

        assertThat(channel).containsEntry("metadata.max.age.ms", "54321");
        assertThat(handBuilt).containsEntry("metadata.max.age.ms", "54321");
        assertThat(channel.get("bootstrap.servers")).isEqualTo(handBuilt.get("bootstrap.servers"));
    }

    @Test
    void bothRunOnTheBrokerUnderTheServicesClientIdPrefix() {
        String channelId = (String) clients.getConsumer(QueryResponder.QUERIES).configuration().get("client.id");
        assertThat(channelId).startsWith("dnstest-");
        assertThat(restorer.consumerConfig()).containsEntry("client.id", "dnstest-cache-reader");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(consumerMetricsRegistered("dnstest-cache-reader")).isTrue();
            assertThat(consumerMetricsRegistered(channelId)).isTrue();
        });
    }

    /** A running KafkaConsumer registers its metrics under its client id. */
    private static boolean consumerMetricsRegistered(String clientId) throws Exception {
        return ManagementFactory.getPlatformMBeanServer()
                .isRegistered(new ObjectName("kafka.consumer:type=consumer-metrics,client-id=" + clientId));
    }
}
