package org.securemail.common.topics;

import java.util.Map;

/**
 * How one Kafka topic is created: the single source of truth used by the local stack,
 * the Kubernetes topic job and the test broker.
 *
 * @param name                 topic name
 * @param partitions           partition count
 * @param compacted            {@code cleanup.policy=compact} when true, {@code delete} otherwise
 * @param maxMessageBytes      {@code max.message.bytes}
 * @param retentionMs          {@code retention.ms}; -1 keeps records forever (a compacted topic without
 *                             {@code deleteAfterRetention} keeps the latest record per key forever whatever this says)
 * @param deleteAfterRetention for a compacted topic: {@code cleanup.policy=compact,delete}, so that even the latest
 *                             record of a key is deleted once it is older than {@code retentionMs} (bounds the size
 *                             of a table whose keys are never deleted)
 */
public record TopicSpec(String name, int partitions, boolean compacted, int maxMessageBytes, long retentionMs,
        boolean deleteAfterRetention) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name is required");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for " + name);
        }
        if (deleteAfterRetention && (!compacted || retentionMs <= 0)) {
            throw new IllegalArgumentException("deleteAfterRetention needs a compacted topic with a retention: " + name);
        }
    }

    /** A topic that is either compacted (kept forever per key) or deleted after {@code retentionMs}. */
    public TopicSpec(String name, int partitions, boolean compacted, int maxMessageBytes, long retentionMs) {
        this(name, partitions, compacted, maxMessageBytes, retentionMs, false);
    }

    /** {@code compact}, {@code delete} or {@code compact,delete}. */
    public String cleanupPolicy() {
        if (!compacted) {
            return "delete";
        }
        return deleteAfterRetention ? "compact,delete" : "compact";
    }

    /** The topic-level configs to pass to the admin client. */
    public Map<String, String> configs() {
        return Map.of(
                "cleanup.policy", cleanupPolicy(),
                "max.message.bytes", Integer.toString(maxMessageBytes),
                "retention.ms", Long.toString(retentionMs),
                "min.insync.replicas", "1");
    }
}
