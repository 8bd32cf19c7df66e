package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Issue 12: a secret reaches only the service that needs it. Only the provisioning API uses PostgreSQL and the
 * operator key; the Kubernetes manifests give them to no other service.
 */
class SecretScopeTest {

    private static final Path DEPLOY = Path.of("..").toAbsolutePath().normalize();

    @Test
    void onlyTheProvisioningApiGetsTheDatabaseSecret() throws IOException {
        for (String service : List.of("ingest-service", "dns-service", "delivery-service")) {
            String manifest = Files.readString(DEPLOY.resolve("k8s/base/" + service + ".yaml"));
            assertThat(manifest).as(service).doesNotContain("securemail-db").doesNotContain("secretRef")
                    .doesNotContain("PG_PASSWORD").doesNotContain("BOOTSTRAP_OPERATOR_KEY");
        }
        assertThat(Files.readString(DEPLOY.resolve("k8s/base/provisioning-api.yaml"))).contains("securemail-db");
    }
}
