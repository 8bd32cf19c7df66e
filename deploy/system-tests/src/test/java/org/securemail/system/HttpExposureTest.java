package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.system.Manifests.document;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 8: {@code /q/*} and {@code /dns/*} are not reachable through the SMTP load balancer. The production
 * overlay makes exactly one Service a load balancer, and that Service carries the SMTP ports and no HTTP port; every
 * service's HTTP and management ports are admitted by a NetworkPolicy only from inside the namespace and from
 * monitoring; {@code /q/*} is served on the management port only (the packaged services: {@code StackIT}).
 */
class HttpExposureTest {

    private static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    private static final Pattern LOAD_BALANCED = Pattern.compile(
            "target:\\s*\\n\\s*kind: Service\\s*\\n\\s*name: (\\S+)\\s*\\n\\s*patch: \\|-[^\\n]*\\n(?:\\s+[^\\n]*\\n){0,3}?\\s+value: LoadBalancer");

    @Test
    void theOnlyLoadBalancerCarriesTheSmtpPortsAndNoHttpPort() throws IOException {
        String overlay = Files.readString(K8S.resolve("overlays/production/kustomization.yaml"));
        List<String> loadBalanced = new ArrayList<>();
        Matcher m = LOAD_BALANCED.matcher(overlay);
        while (m.find()) {
            loadBalanced.add(m.group(1));
        }
        assertThat(loadBalanced).containsExactly("ingest-smtp");

        String service = document(Files.readString(K8S.resolve("base/ingest-service.yaml")), "Service", "ingest-smtp");
        assertThat(ports(service)).containsExactlyInAnyOrder("25", "587");
        assertThat(service).doesNotContain("targetPort: http").doesNotContain("8081")
                .doesNotContain("management").doesNotContain("9000");
    }

    @Test
    void probesAndScrapesUseTheManagementPort() throws IOException {
        for (String name : List.of("provisioning-api", "dns-service", "ingest-service", "delivery-service")) {
            String deployment = document(Files.readString(K8S.resolve("base/" + name + ".yaml")), "Deployment", name);
            assertThat(deployment).as(name).contains("- name: management\n              containerPort: 9000")
                    .contains("prometheus.io/port: \"9000\"").contains("_MANAGEMENT_PORT");
            Matcher probes = Pattern.compile("path: /q/health/\\w+\\n\\s+port: (\\w+)").matcher(deployment);
            int count = 0;
            while (probes.find()) {
                assertThat(probes.group(1)).as(name + " probe port").isEqualTo("management");
                count++;
            }
            assertThat(count).as(name + " probes").isEqualTo(3);
        }
    }

    @Test
    void everyServicesHttpPortIsAdmittedOnlyFromTheClusterAndMonitoring() throws IOException {
        String kustomization = Files.readString(K8S.resolve("base/kustomization.yaml"));
        assertThat(kustomization).contains("- network-policy.yaml");
        String policy = document(Files.readString(K8S.resolve("base/network-policy.yaml")), "NetworkPolicy",
                "http-in-cluster-only");
        assertThat(policy).contains("values: [provisioning-api, dns-service, ingest-service, delivery-service]")
                .contains("- port: http").contains("- port: management").contains("podSelector: {}").contains("securemail.io/monitoring: \"true\"");
        String smtp = document(Files.readString(K8S.resolve("base/network-policy.yaml")), "NetworkPolicy",
                "smtp-from-anywhere");
        assertThat(smtp).contains("- port: smtp").contains("- port: submission").doesNotContain("port: http")
                .doesNotContain("port: management");
    }

    private static List<String> ports(String service) {
        List<String> ports = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+port: (\\d+)$").matcher(service);
        while (m.find()) {
            ports.add(m.group(1));
        }
        return ports;
    }
}
