package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.securemail.common.access.KafkaAccess;
import org.securemail.common.access.ServiceAccess;
import org.securemail.common.topics.Topics;
import org.securemail.embedded.StrimziTopics;
import org.securemail.embedded.StrimziUsers;

/**
 * Issue 13: each service has a Strimzi {@code KafkaUser} with exactly the ACLs of its declaration in
 * {@link KafkaAccess}, and reads its credentials from the Secret Strimzi makes for it. {@code kafka-users.yaml} must be
 * exactly what {@link StrimziUsers} renders; run with {@code -Dsecuremail.regenerate=true} to write it.
 */
class StrimziUsersTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void theCommittedKafkaUsersAreTheDeclaration() throws IOException {
        Path file = ROOT.resolve(StrimziUsers.FILE);
        String rendered = StrimziUsers.render(KafkaAccess.users());
        if (Boolean.getBoolean("securemail.regenerate")) {
            Files.writeString(file, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(file)).as(file + " (regenerate: -Dsecuremail.regenerate=true)")
                .isEqualTo(rendered);
        assertThat(Files.readString(ROOT.resolve("deploy/k8s/base/kustomization.yaml"))).contains("- kafka-users.yaml");
    }

    @Test
    void eachUserIsScramWithOnlyItsOwnTopics() throws IOException {
        String yaml = Files.readString(ROOT.resolve(StrimziUsers.FILE));
        for (ServiceAccess access : KafkaAccess.all()) {
            String doc = Manifests.document(yaml, "KafkaUser", access.principal());
            assertThat(doc).contains("    strimzi.io/cluster: " + StrimziTopics.CLUSTER + "\n")
                    .contains("    type: scram-sha-512\n").contains("    type: simple\n")
                    .doesNotContain("name: \"*\"").doesNotContain("All").doesNotContain("type: cluster");
        }
        String ingest = Manifests.document(yaml, "KafkaUser", "ingest-service");
        assertThat(ingest).doesNotContain("name: " + Topics.PROVISIONING_DOMAINS + "\n          patternType: literal\n"
                + "        operations: [Write");
        String dns = Manifests.document(yaml, "KafkaUser", "dns-service");
        assertThat(dns).contains("name: " + Topics.DNS_CACHE + "\n          patternType: literal\n"
                + "        operations: [Read, Write, Describe]").doesNotContain("mail.");
    }

    @Test
    void theClusterAuthenticatesEveryClientAndEnforcesTheAcls() throws IOException {
        String cluster = Files.readString(ROOT.resolve("deploy/k8s/base/kafka-cluster.yaml"));
        String listeners = cluster.substring(cluster.indexOf("    listeners:"), cluster.indexOf("    authorization:"));
        // one listener, TLS with SCRAM: no plain listener a pod could reach without a password
        assertThat(listeners).contains("port: 9093").contains("tls: true").contains("type: scram-sha-512")
                .doesNotContain("tls: false").doesNotContain("port: 9092");
        assertThat(cluster).contains("    authorization:\n      type: simple\n").doesNotContain("ANONYMOUS");
        assertThat(Files.readString(ROOT.resolve("deploy/k8s/base/platform-config.yaml")))
                .contains("KAFKA_BOOTSTRAP_SERVERS: " + StrimziTopics.CLUSTER + "-kafka-bootstrap:9093")
                .contains("KAFKA_SECURITY_PROTOCOL: SASL_SSL").contains("KAFKA_SASL_MECHANISM: SCRAM-SHA-512")
                .contains("KAFKA_SSL_TRUSTSTORE_TYPE: PEM");
    }

    @Test
    void eachServiceReadsItsOwnKafkaSecretAndTheClusterCa() throws IOException {
        for (ServiceAccess access : KafkaAccess.all()) {
            String manifest = Files.readString(ROOT.resolve("deploy/k8s/base/" + access.principal() + ".yaml"));
            assertThat(manifest).as(access.principal())
                    .contains("- name: KAFKA_SASL_JAAS_CONFIG\n              valueFrom:\n                secretKeyRef:\n"
                            + "                  name: " + access.principal() + "\n                  key: sasl.jaas.config\n")
                    .contains("- name: KAFKA_SSL_TRUSTSTORE_CERTIFICATES\n              valueFrom:\n                secretKeyRef:\n"
                            + "                  name: " + StrimziTopics.CLUSTER + "-cluster-ca-cert\n"
                            + "                  key: ca.crt\n");
            for (ServiceAccess other : KafkaAccess.all()) {
                if (other != access) {
                    assertThat(manifest).as(access.principal()).doesNotContain("name: " + other.principal() + "\n                  key:");
                }
            }
        }
    }
}
