package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.securemail.common.topics.TopicSpec;
import org.securemail.common.topics.Topics;
import org.securemail.embedded.StrimziTopics;

/**
 * Issue 13: the cluster's topics are the catalogue's. {@code deploy/k8s/base/kafka-topics.yaml} must be exactly what
 * {@link StrimziTopics} renders from {@link Topics#all()}; run with {@code -Dsecuremail.regenerate=true} to write it.
 */
class StrimziTopicsTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void theCommittedKafkaTopicsAreTheCatalogue() throws IOException {
        Path file = ROOT.resolve(StrimziTopics.FILE);
        String rendered = StrimziTopics.render(Topics.all());
        if (Boolean.getBoolean("securemail.regenerate")) {
            Files.writeString(file, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(file)).as(file + " (regenerate: -Dsecuremail.regenerate=true)")
                .isEqualTo(rendered);
    }

    @Test
    void everyTopicHasThreeReplicasAndTwoInSyncSoAnAcceptedMessageSurvivesABroker() throws IOException {
        String yaml = Files.readString(ROOT.resolve(StrimziTopics.FILE));
        for (TopicSpec spec : Topics.all()) {
            String doc = Manifests.document(yaml, "KafkaTopic", spec.name());
            assertThat(doc).as(spec.name()).contains("  topicName: " + spec.name() + "\n")
                    .contains("  partitions: " + spec.partitions() + "\n").contains("  replicas: 3\n")
                    .contains("    min.insync.replicas: \"2\"\n")
                    .contains("    cleanup.policy: \"" + spec.cleanupPolicy() + "\"\n")
                    .contains("    max.message.bytes: \"" + spec.maxMessageBytes() + "\"\n");
        }
        String cluster = Files.readString(ROOT.resolve("deploy/k8s/base/kafka-cluster.yaml"));
        assertThat(cluster).contains("min.insync.replicas: 2").contains("default.replication.factor: 3")
                .contains("auto.create.topics.enable: false").contains("replicas: 3");
    }

    @Test
    void theServicesFindTheBrokersUnderStrimzisBootstrapServiceName() throws IOException {
        String config = Files.readString(ROOT.resolve("deploy/k8s/base/platform-config.yaml"));
        assertThat(config).contains("KAFKA_BOOTSTRAP_SERVERS: " + StrimziTopics.CLUSTER + "-kafka-bootstrap:9093");
        assertThat(Files.readString(ROOT.resolve("deploy/k8s/base/kustomization.yaml")))
                .contains("- kafka-cluster.yaml").contains("- kafka-topics.yaml").contains("- kafka-users.yaml");
    }

    @Test
    void aTopicNameThatCannotBeAKubernetesNameIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StrimziTopics.render(java.util.List.of(
                new TopicSpec("-bad", 1, false, 1024, 1000)))).isInstanceOf(IllegalArgumentException.class);
    }
}
