package org.securemail.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.securemail.common.topics.TopicSpec;
import org.securemail.common.topics.Topics;

/**
 * Renders {@link Topics#all()} as Strimzi {@code KafkaTopic} resources (deploy/k8s/base/kafka-topics.yaml), so that
 * the cluster's topics come from the same catalogue as the local stack's and the test broker's. On a cluster every
 * topic has {@link #REPLICAS} replicas and {@code min.insync.replicas} {@link #MIN_IN_SYNC}: with the producers'
 * {@code acks=all}, an accepted message is on two brokers before ingest answers 250, and one broker may be down.
 *
 * <p>{@code StrimziTopicsTest} (system tests) fails when the committed file differs from what this renders, so a
 * topic added to the catalogue cannot be forgotten on the cluster; with {@code -Dsecuremail.regenerate=true} it
 * writes the file.
 */
public final class StrimziTopics {

    /** The Kafka cluster's name in Strimzi (label {@code strimzi.io/cluster}). */
    public static final String CLUSTER = "securemail";
    public static final int REPLICAS = 3;
    public static final int MIN_IN_SYNC = 2;
    public static final Path FILE = Path.of("deploy", "k8s", "base", "kafka-topics.yaml");

    private StrimziTopics() {
    }

    /** The YAML of every topic, in catalogue order, one document each. */
    public static String render(List<TopicSpec> specs) {
        StringBuilder out = new StringBuilder();
        out.append("# Generated from common's Topics.all() by org.securemail.embedded.StrimziTopics: do not edit.\n")
                .append("# Regenerate: ./mvnw -pl deploy/system-tests test -Dtest=StrimziTopicsTest -Dsecuremail.regenerate=true\n");
        for (TopicSpec spec : specs) {
            Map<String, String> config = new TreeMap<>(spec.configs());
            config.put("min.insync.replicas", Integer.toString(MIN_IN_SYNC));
            out.append("---\n")
                    .append("apiVersion: kafka.strimzi.io/v1beta2\n")
                    .append("kind: KafkaTopic\n")
                    .append("metadata:\n")
                    .append("  name: ").append(resourceName(spec.name())).append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: ").append(CLUSTER).append('\n')
                    .append("spec:\n")
                    .append("  topicName: ").append(spec.name()).append('\n')
                    .append("  partitions: ").append(spec.partitions()).append('\n')
                    .append("  replicas: ").append(REPLICAS).append('\n')
                    .append("  config:\n");
            config.forEach((key, value) -> out.append("    ").append(key).append(": \"").append(value).append("\"\n"));
        }
        return out.toString();
    }

    /**
     * A Kubernetes object name for a topic: lower case, dots kept (RFC 1123 subdomain), anything else a dash. Topic
     * names of the catalogue are all lower case with dots and dashes, so this is the topic name itself.
     */
    static String resourceName(String topic) {
        String name = topic.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        if (name.isEmpty() || name.length() > 253 || !Character.isLetterOrDigit(name.charAt(0))
                || !Character.isLetterOrDigit(name.charAt(name.length() - 1))) {
            throw new IllegalArgumentException("topic name cannot be a Kubernetes object name: " + topic);
        }
        return name;
    }
}
