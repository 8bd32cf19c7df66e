package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Issue 12 and issue 13 item 4: a secret reaches only the service that needs it, and no secret is written in the
 * repository. Only the provisioning API uses PostgreSQL and the operator key; its database credentials are the
 * ones CloudNativePG generates for the Cluster (secret {@code securemail-pg-app}), the operator key a secret the
 * operator creates.
 */
class SecretScopeTest {

    private static final Path DEPLOY = Path.of("..").toAbsolutePath().normalize();

    @Test
    void onlyTheProvisioningApiGetsTheDatabaseSecret() throws IOException {
        for (String service : List.of("ingest-service", "dns-service", "delivery-service")) {
            String manifest = Files.readString(DEPLOY.resolve("k8s/base/" + service + ".yaml"));
            assertThat(manifest).as(service).doesNotContain("securemail-pg-app").doesNotContain("securemail-api")
                    .doesNotContain("secretRef").doesNotContain("PG_PASSWORD").doesNotContain("BOOTSTRAP_OPERATOR_KEY");
            // the only secrets it reads: its own Kafka user's and the Kafka cluster CA (ADR 0081, StrimziUsersTest)
            assertThat(java.util.regex.Pattern.compile("secretKeyRef:\\n\\s+name: (\\S+)").matcher(manifest).results()
                    .map(m -> m.group(1)).distinct().sorted().toList()).as(service)
                    .containsExactly(service, "securemail-cluster-ca-cert");
        }
        assertThat(Files.readString(DEPLOY.resolve("k8s/base/provisioning-api.yaml")))
                .contains("name: securemail-pg-app").contains("key: password").contains("name: securemail-api");
    }

    @Test
    void noSecretIsWrittenInTheRepository() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY.resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                String yaml = Files.readString(file);
                assertThat(yaml).as(file.toString()).doesNotContainPattern("(?m)^kind: Secret\\s*$")
                        .doesNotContainPattern("(?mi)^\\s*(PG_PASSWORD|password|PROVISIONING_BOOTSTRAP_OPERATOR_KEY):\\s*\\S");
            }
        }
    }

    @Test
    void theDatabaseIsACloudNativePgClusterBehindTheConfiguredHost() throws IOException {
        String kustomization = Files.readString(DEPLOY.resolve("k8s/base/kustomization.yaml"));
        assertThat(kustomization).contains("- postgres-cluster.yaml");
        String cluster = Files.readString(DEPLOY.resolve("k8s/base/postgres-cluster.yaml"));
        assertThat(cluster).contains("apiVersion: postgresql.cnpg.io/v1").contains("kind: Cluster")
                .contains("  name: securemail-pg\n").contains("owner: securemail").contains("database: securemail");
        // CloudNativePG names the primary's Service <cluster>-rw: the URL the API is given must point at it
        assertThat(Files.readString(DEPLOY.resolve("k8s/base/platform-config.yaml")))
                .contains("//securemail-pg-rw.securemail.svc:5432/securemail");
    }
}
