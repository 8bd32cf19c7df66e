package org.securemail.ingest.messaging;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.smallrye.common.annotation.Identifier;
import org.securemail.common.kafka.KafkaClientSettings;

/**
 * The one Kafka client setup of the ingest service: the {@code kafka.*} configuration that the SmallRye channels
 * receive, for the hand-built clients too (the mail producer, the provisioning reader). ADR 0009.
 */
@ApplicationScoped
public class KafkaClientSetup {

    @Produces
    @Singleton
    KafkaClientSettings settings(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        return KafkaClientSettings.of(kafkaConfig, "ingest-");
    }
}
