package org.securemail.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

    private static final Map<String, Object> SERVICE_CONFIG = Map.of(
            "bootstrap.servers", "broker:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "ssl.truststore.location", "/etc/kafka/ca.p12",
            "group.id", "ingest-service",
            "client-id-prefix", "ingest-");

    @Test
    void everyClientGetsTheServicesConnectionSettingsAndItsOwnClientId() {
        KafkaClientSettings settings = KafkaClientSettings.of(SERVICE_CONFIG, "fallback-");

        for (Map<String, Object> client : new Map[] {settings.consumer("reader"), settings.producer("reader"),
                settings.admin("reader")}) {
            assertThat(client).containsEntry("bootstrap.servers", "broker:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12")
                    .containsEntry("client.id", "ingest-reader");
        }
    }

    @Test
    void theChannelsGroupIdAndThePrefixKeyAreNotPassedToHandBuiltClients() {
        KafkaClientSettings settings = KafkaClientSettings.of(SERVICE_CONFIG, "fallback-");

        assertThat(settings.consumer("reader")).doesNotContainKeys("group.id", "client-id-prefix");
        assertThat(settings.shared()).doesNotContainKeys("group.id", "client-id-prefix", "client.id");
    }

    @Test
    void usesTheFallbackPrefixWhenNoneIsConfigured() {
        KafkaClientSettings settings = KafkaClientSettings.of(Map.of("bootstrap.servers", "b:1"), "delivery-");

        assertThat(settings.clientId("state-table")).isEqualTo("delivery-state-table");
    }

    @Test
    void refusesSettingsWithoutABrokerAddress() {
        assertThatThrownBy(() -> KafkaClientSettings.of(Map.of("security.protocol", "SSL"), "x-"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    }

    @Test
    void aClientsOwnSettingsDoNotLeakIntoTheNextClient() {
        KafkaClientSettings settings = KafkaClientSettings.of(SERVICE_CONFIG, "fallback-");
        settings.producer("a").put("acks", "all");

        assertThat(settings.producer("b")).doesNotContainKey("acks");
    }
}
