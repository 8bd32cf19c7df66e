package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.system.Manifests.document;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5: scaling rules, and every pod of the suite runs as a non-root user without privileges, on a read-only root file system
 * with only {@code /tmp} writable, under the runtime's default seccomp profile, and spreads its replicas over zones and
 * nodes. A careless edit of a manifest fails here.
 */
class PodSecurityTest {

    private static final Path BASE = Path.of("..", "k8s", "base").toAbsolutePath().normalize();
    private static final List<String> SERVICES =
            List.of("provisioning-api", "dns-service", "ingest-service", "delivery-service");

    @Test
    void everyPodIsNonRootReadOnlyWithoutCapabilitiesUnderRuntimeDefaultSeccomp() throws IOException {
        for (String service : SERVICES) {
            String deployment = deployment(service);
            assertThat(deployment).as(service)
                    .contains("      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n")
                    .contains("        seccompProfile:\n          type: RuntimeDefault\n")
                    .contains("          securityContext:\n            allowPrivilegeEscalation: false\n"
                            + "            readOnlyRootFilesystem: true\n            capabilities:\n"
                            + "              drop: [ALL]\n")
                    .contains("          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n")
                    .contains("        - name: tmp\n          emptyDir:\n")
                    .doesNotContain("privileged: true").doesNotContain("hostNetwork").doesNotContain("hostPath")
                    .doesNotContain(":latest");
        }
    }

    @Test
    void replicasSpreadOverZonesAndNodesAndHaveADisruptionBudget() throws IOException {
        for (String service : SERVICES) {
            String manifest = Files.readString(BASE.resolve(service + ".yaml"));
            String deployment = deployment(service);
            assertThat(deployment).as(service)
                    .contains("topologyKey: topology.kubernetes.io/zone")
                    .contains("topologyKey: kubernetes.io/hostname")
                    .contains("matchLabels:\n              app.kubernetes.io/name: " + service + "\n");
            assertThat(manifest).as(service).contains("kind: PodDisruptionBudget");
        }
    }

    /** Delivery and the DNS service scale on their consumer-group lag (KEDA), ingest on CPU (HPA), within partitions. */
    @Test
    void productionScalesTheMailPathOnLagAndIngestOnCpu() throws IOException {
        Path overlay = BASE.resolveSibling("overlays").resolve("production");
        assertThat(Files.readString(overlay.resolve("kustomization.yaml"))).contains("- autoscaling.yaml")
                .contains("namespace: securemail");
        String scaling = Files.readString(overlay.resolve("autoscaling.yaml"));
        for (String[] target : new String[][] {{"delivery-service", "delivery-mail-in", "mail.ready"},
                {"dns-service", "dns-service", "dns.queries"}}) {
            String scaled = document(scaling, "ScaledObject", target[0]);
            assertThat(scaled).as(target[0]).contains("type: kafka").contains("consumerGroup: " + target[1] + "\n")
                    .contains("topic: " + target[2] + "\n").contains("maxReplicaCount: 6 ")
                    .contains("bootstrapServersFromEnv: KAFKA_BOOTSTRAP_SERVERS");
        }
        assertThat(document(scaling, "HorizontalPodAutoscaler", "ingest-service")).contains("name: cpu")
                .contains("kind: Deployment\n    name: ingest-service");
        // the groups and topics named there are the ones the services use
        assertThat(Files.readString(BASE.resolve("../../../delivery-service/src/main/resources/application.properties")))
                .contains("mp.messaging.incoming.mail-in.group.id=delivery-mail-in")
                .contains("delivery.input=${DELIVERY_INPUT:mail.ready}");
        assertThat(Files.readString(BASE.resolve("../../../dns-service/server/src/main/resources/application.properties")))
                .contains("mp.messaging.incoming.dns-queries.group.id=dns-service")
                .contains("mp.messaging.incoming.dns-queries.topic=dns.queries");
    }

    private static String deployment(String service) throws IOException {
        for (String doc : Files.readString(BASE.resolve(service + ".yaml")).split("(?m)^---\\s*$")) {
            if (doc.contains("kind: Deployment\n")) {
                return doc;
            }
        }
        throw new AssertionError("no Deployment in " + service + ".yaml");
    }
}
