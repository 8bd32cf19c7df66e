package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5: every pod of the suite runs as a non-root user without privileges, on a read-only root file system
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

    private static String deployment(String service) throws IOException {
        for (String doc : Files.readString(BASE.resolve(service + ".yaml")).split("(?m)^---\\s*$")) {
            if (doc.contains("kind: Deployment\n")) {
                return doc;
            }
        }
        throw new AssertionError("no Deployment in " + service + ".yaml");
    }
}
