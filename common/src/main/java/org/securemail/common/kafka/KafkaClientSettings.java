package org.securemail.common.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The connection settings every Kafka client of one service shares: the service's {@code kafka.*} configuration
 * ({@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...) and a client id prefix.
 *
 * <p>The SmallRye channels read the same {@code kafka.*} configuration (Quarkus hands it to every channel as the
 * {@code default-kafka-broker} map), so a setting made once reaches the hand-built clients and the channels alike.
 * Each service turns that map into one instance of this class (its {@code messaging.KafkaClientSetup}); a hand-built
 * client starts from {@link #consumer}, {@link #producer} or {@link #admin} and adds only what is its own (acks,
 * timeouts, deserialisers). See ADR 0009.
 */
public final class KafkaClientSettings {

    /** Key of the client id prefix in the {@code kafka.*} map ({@code kafka.client-id-prefix}); also a channel attribute. */
    public static final String CLIENT_ID_PREFIX = "client-id-prefix";

    /** Keys that belong to one client or to the channels, never to every hand-built client. */
    private static final String[] NOT_SHARED = {"group.id", "client.id", CLIENT_ID_PREFIX, "client.id.prefix"};

    private final Map<String, Object> shared;
    private final String clientIdPrefix;

    private KafkaClientSettings(Map<String, Object> shared, String clientIdPrefix) {
        this.shared = Map.copyOf(shared);
        this.clientIdPrefix = clientIdPrefix;
    }

    /**
     * From the service's {@code kafka.*} map (Quarkus's {@code default-kafka-broker} bean). The prefix is
     * {@code client-id-prefix} when set, else {@code fallbackPrefix} (the service name and a dash).
     */
    public static KafkaClientSettings of(Map<String, ?> kafkaConfig, String fallbackPrefix) {
        Map<String, Object> shared = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (value != null) {
                shared.put(key, value);
            }
        });
        Object prefix = shared.get(CLIENT_ID_PREFIX);
        for (String key : NOT_SHARED) {
            shared.remove(key);
        }
        if (!shared.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is not set");
        }
        return new KafkaClientSettings(shared, prefix == null ? Objects.requireNonNull(fallbackPrefix) : prefix.toString());
    }

    /** Only a broker address: for tools and tests outside a service. */
    public static KafkaClientSettings of(String bootstrapServers) {
        return of(Map.of("bootstrap.servers", bootstrapServers), "securemail-");
    }

    /** {@code prefix + purpose}, e.g. {@code ingest-mail-producer}. */
    public String clientId(String purpose) {
        return clientIdPrefix + purpose;
    }

    public String clientIdPrefix() {
        return clientIdPrefix;
    }

    public String bootstrapServers() {
        return shared.get("bootstrap.servers").toString();
    }

    /** The shared settings with the client id of {@code purpose}; no group id (the caller adds one if it needs it). */
    public Map<String, Object> consumer(String purpose) {
        return withClientId(purpose);
    }

    public Map<String, Object> producer(String purpose) {
        return withClientId(purpose);
    }

    public Map<String, Object> admin(String purpose) {
        return withClientId(purpose);
    }

    /** The shared settings alone, unmodifiable (what every client of the service gets). */
    public Map<String, Object> shared() {
        return shared;
    }

    private Map<String, Object> withClientId(String purpose) {
        Map<String, Object> config = new HashMap<>(shared);
        config.put("client.id", clientId(purpose));
        return config;
    }
}
