package org.securemail.delivery.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConnector;
import io.smallrye.reactive.messaging.kafka.impl.ConfigHelper;
import io.smallrye.reactive.messaging.providers.impl.Configs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.securemail.testing.KafkaBrokerResource;

/**
 * The configuration every Kafka channel of the service really gets, resolved the way the connector resolves it
 * (channel attributes, then connector-level defaults, then a {@code kafka-configuration} map, then {@code kafka.*}),
 * plus the client configuration of each running consumer and producer and the Kafka settings of each dead-letter
 * producer. It is compared with the recorded
 * {@code channel-configuration.txt}, so that a rewrite of application.properties that is meant to change nothing
 * provably changes nothing, for the delivery channels and for the dns-client channels that share the connector.
 * If a change is intended, copy {@code target/channel-configuration.txt} over the recorded file.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class ChannelConfigurationTest {

    private static final Pattern CHANNEL = Pattern.compile("^mp\\.messaging\\.(incoming|outgoing)\\.([^.\"]+)\\.");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /**
     * How a channel is configured, not what it gets. The connector also passes it on to the Kafka client, which
     * ignores it as an unknown key (as it ignores {@code dead-letter-queue.max.request.size} in a consumer's map).
     */
    private static final String MECHANISM = ConfigHelper.KAFKA_CONFIGURATION_NAME_ATTRIBUTE;
    private static final String DLQ = "dead-letter-queue";

    @Inject
    Config config;

    @Inject
    @Any
    Instance<Map<String, Object>> configurations;

    @Inject
    KafkaClientService clients;

    @Test
    void everyChannelResolvesToTheRecordedConfiguration() throws IOException {
        String resolved = describeEveryChannel();
        Path written = Path.of("target", "channel-configuration.txt");
        Files.writeString(written, resolved);

        assertThat(resolved)
                .as("resolved channel configuration (written to %s)", written.toAbsolutePath())
                .isEqualTo(recorded());
    }

    private String describeEveryChannel() {
        Map<String, String> channels = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            Matcher channel = CHANNEL.matcher(name);
            if (channel.find()) {
                channels.put(channel.group(1) + " " + channel.group(2), channel.group(2));
            }
        }
        StringBuilder out = new StringBuilder();
        channels.forEach((direction, channel) -> {
            boolean incoming = direction.startsWith("incoming");
            Config connector = incoming ? Configs.incoming(config, KafkaConnector.CONNECTOR_NAME, channel)
                    : Configs.outgoing(config, KafkaConnector.CONNECTOR_NAME, channel);
            Config resolved = ConfigHelper.retrieveChannelConfiguration(configurations, connector);
            out.append("[").append(direction).append("]\n");
            for (String key : new TreeSet<>(toList(resolved.getPropertyNames()))) {
                if (!key.equals(MECHANISM)) {
                    out.append(key).append('=').append(mask(resolved.getOptionalValue(key, String.class).orElse("?")))
                            .append('\n');
                }
            }
            if (incoming && resolved.getOptionalValue("failure-strategy", String.class).orElse("").equals(DLQ)) {
                // the dead-letter producer, built as the DLQ failure handler builds it (less its fixed overrides):
                // the Kafka producer settings it ends up with
                Config dlq = ConfigHelper.retrieveChannelConfiguration(configurations, Configs.prefix(DLQ, resolved));
                out.append("[").append(direction).append(" dead-letter producer]\n");
                for (String key : new TreeSet<>(toList(dlq.getPropertyNames()))) {
                    if (ProducerConfig.configNames().contains(key)) {
                        out.append(key).append('=').append(mask(dlq.getOptionalValue(key, String.class).orElse("?")))
                                .append('\n');
                    }
                }
            }
            Map<String, ?> client = incoming ? consumerConfiguration(channel) : producerConfiguration(channel);
            if (client != null) {
                out.append("[").append(direction).append(" client]\n");
                new TreeMap<>(client).forEach((key, value) -> {
                    if (!key.equals(MECHANISM)) {
                        out.append(key).append('=').append(mask(String.valueOf(value))).append('\n');
                    }
                });
            }
        });
        return out.toString();
    }

    private Map<String, ?> consumerConfiguration(String channel) {
        var consumer = clients.getConsumer(channel);
        return consumer == null ? null : consumer.configuration();
    }

    private Map<String, ?> producerConfiguration(String channel) {
        var producer = clients.getProducer(channel);
        return producer == null ? null : producer.configuration();
    }

    private static List<String> toList(Iterable<String> names) {
        List<String> list = new ArrayList<>();
        names.forEach(list::add);
        return list;
    }

    /** Values that differ from run to run: the test broker's address and per-instance ids. */
    private String mask(String value) {
        String bootstrap = config.getValue("kafka.bootstrap.servers", String.class);
        return UUID.matcher(value.replace(bootstrap, "<test broker>")).replaceAll("<uuid>");
    }

    private static String recorded() throws IOException {
        try (InputStream in = ChannelConfigurationTest.class.getResourceAsStream("channel-configuration.txt")) {
            assertThat(in).as("recorded channel-configuration.txt next to this test").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
