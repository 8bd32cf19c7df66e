package org.securemail.common.topics;

import java.util.Map;

/**
 * How one Kafka topic is created: the single source of truth used by the local stack,
 * the Kubernetes topic job and the test broker.
 *
 * @param name             topic name
 * @param partitions       partition count
 * @param compacted        {@code cleanup.policy=compact} when true, {@code delete} otherwise
 * @param maxMessageBytes  {@code max.message.bytes}
 * @param retentionMs      {@code retention.ms}; -1 keeps records forever
 */
public record TopicSpec(String name, int partitions, boolean compacted, int maxMessageBytes, long retentionMs) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name is required");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for " + name);
        }
    }

    /** The topic-level configs to pass to the admin client. */
    public Map<String, String> configs() {
        return Map.of(
                "cleanup.policy", compacted ? "compact" : "delete",
                "max.message.bytes", Integer.toString(maxMessageBytes),
                "retention.ms", Long.toString(retentionMs),
                "min.insync.replicas", "1");
    }
}
