package org.securemail.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The suite's own facts about its manifests, over the rendered overlays (issues 12 and 13; formerly the text-based
 * PodSecurityTest, HttpExposureTest and SecretScopeTest of deploy/system-tests): the four services' pods, where their
 * HTTP and management ports are reachable, which secrets each one reads, how production scales.
 */
class SuiteManifestsTest {

    static final List<String> SERVICES = List.of("provisioning-api", "dns-service", "ingest-service", "delivery-service");
    /** The database's and the operator key's secrets: the provisioning API's alone. */
    static final Set<String> API_SECRETS = Set.of("securemail-pg-app", "securemail-api");
    /** The Kafka cluster CA's public certificate (Strimzi), which any Kafka client may read. */
    static final String KAFKA_CA = "securemail-cluster-ca-cert";

    static List<String> overlays() {
        return Rendered.overlayNames();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceRunsAsUser10001WithOnlyTmpWritableSpreadOverZonesAndNodesWithADisruptionBudget(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        for (String service : SERVICES) {
            JsonNode pod = pod(rendered, service);
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).as(service).isEqualTo(10001);
            JsonNode container = container(pod, service);
            String tmpVolume = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if ("/tmp".equals(mount.path("mountPath").asText())) {
                    tmpVolume = mount.path("name").asText();
                }
            }
            assertThat(tmpVolume).as(service + " mounts /tmp").isNotNull();
            JsonNode tmp = named(pod.path("volumes"), tmpVolume);
            assertThat(tmp.has("emptyDir")).as(service + " /tmp is an emptyDir").isTrue();
            List<String> keys = new ArrayList<>();
            for (JsonNode spread : pod.path("topologySpreadConstraints")) {
                keys.add(spread.path("topologyKey").asText());
                assertThat(spread.path("labelSelector").path("matchLabels").path("app.kubernetes.io/name").asText())
                        .as(service).isEqualTo(service);
            }
            assertThat(keys).as(service).contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
            assertThat(rendered.get("PodDisruptionBudget", service).path("spec").path("selector").path("matchLabels")
                    .path("app.kubernetes.io/name").asText()).isEqualTo(service);
        }
    }

    /** Health and metrics on the management port (9000) only: the three probes, the scrape annotation, the env. */
    @ParameterizedTest
    @MethodSource("overlays")
    void probesAndScrapesUseTheManagementPort(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        for (String service : SERVICES) {
            ObjectNode deployment = rendered.get("Deployment", service);
            JsonNode container = container(pod(rendered, service), service);
            assertThat(named(container.path("ports"), "management").path("containerPort").asInt()).isEqualTo(9000);
            assertThat(deployment.path("spec").path("template").path("metadata").path("annotations")
                    .path("prometheus.io/port").asText()).as(service).isEqualTo("9000");
            assertThat(container.path("env").findValuesAsText("name")).as(service)
                    .anyMatch(n -> n.endsWith("_MANAGEMENT_PORT"));
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                assertThat(container.path(probe).path("httpGet").path("path").asText()).as(service + " " + probe)
                        .startsWith("/q/health/");
                assertThat(container.path(probe).path("httpGet").path("port").asText()).as(service + " " + probe)
                        .isEqualTo("management");
            }
        }
    }

    /** ADR 0062: the only load balancer is ingest-smtp with the SMTP ports; every other Service stays in the cluster. */
    @Test
    void theOnlyLoadBalancerCarriesTheSmtpPortsAndNoHttpPort() {
        Rendered production = Rendered.overlay("production");
        List<String> external = production.ofKind("Service").stream()
                .filter(s -> !s.path("spec").path("type").asText("ClusterIP").equals("ClusterIP")).map(Rendered::name)
                .toList();
        assertThat(external).containsExactly("ingest-smtp");
        JsonNode smtp = production.get("Service", "ingest-smtp").path("spec");
        assertThat(smtp.path("type").asText()).isEqualTo("LoadBalancer");
        assertThat(smtp.path("externalTrafficPolicy").asText()).isEqualTo("Local");
        assertThat(smtp.path("ports").findValuesAsText("port")).containsExactlyInAnyOrder("25", "587");
        assertThat(smtp.path("ports").findValuesAsText("targetPort")).containsExactlyInAnyOrder("smtp", "submission");
        for (String overlay : overlays()) {
            assertThat(Rendered.overlay(overlay).ofKind("Service").stream()
                    .filter(s -> !"ingest-smtp".equals(Rendered.name(s))
                            && !s.path("spec").path("type").asText("ClusterIP").equals("ClusterIP"))).as(overlay).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServicesHttpPortIsAdmittedOnlyFromTheNamespaceAndMonitoring(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        JsonNode http = rendered.get("NetworkPolicy", "http-in-cluster-only").path("spec");
        List<String> selected = new ArrayList<>();
        http.path("podSelector").path("matchExpressions").path(0).path("values").forEach(v -> selected.add(v.asText()));
        assertThat(selected).containsExactlyInAnyOrderElementsOf(SERVICES);
        JsonNode rule = http.path("ingress").path(0);
        assertThat(rule.path("ports").findValuesAsText("port")).containsExactlyInAnyOrder("http", "management");
        assertThat(rule.path("from").path(0).path("podSelector").isEmpty()).as("podSelector {}").isTrue();
        assertThat(rule.path("from").path(1).path("namespaceSelector").path("matchLabels").path("securemail.io/monitoring")
                .asText()).isEqualTo("true");
        assertThat(http.path("ingress")).hasSize(1);
        JsonNode smtp = rendered.get("NetworkPolicy", "smtp-from-anywhere").path("spec");
        assertThat(smtp.path("ingress").path(0).path("ports").findValuesAsText("port"))
                .containsExactlyInAnyOrder("smtp", "submission");
    }

    /**
     * Issue 12 and 13: a secret reaches only the service that needs it. The database's and the operator key's only
     * the provisioning API (which has the database's); a Kafka user's secret only the service of that name; besides
     * those, a service may read the Kafka cluster CA's certificate and nothing else.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void aSecretReachesOnlyTheServiceThatNeedsIt(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        Set<String> kafkaUsers = new TreeSet<>(rendered.ofKind("KafkaUser").stream().map(Rendered::name).toList());
        for (ObjectNode deployment : rendered.ofKind("Deployment")) {
            String service = Rendered.name(deployment);
            Set<String> allowed = new TreeSet<>(Set.of(KAFKA_CA));
            if (kafkaUsers.contains(service)) {
                allowed.add(service);
            }
            if ("provisioning-api".equals(service)) {
                allowed.addAll(API_SECRETS);
            }
            Set<String> read = secretsRead(deployment.path("spec").path("template").path("spec"));
            assertThat(read).as(overlay + " " + service).isSubsetOf(allowed);
            if ("provisioning-api".equals(service)) {
                assertThat(read).contains("securemail-pg-app");
            }
            if (!"provisioning-api".equals(service)) {
                assertThat(deployment.findValuesAsText("name")).as(service)
                        .noneMatch(n -> n.equals("PG_PASSWORD") || n.contains("BOOTSTRAP_OPERATOR_KEY"));
            }
        }
    }

    /** CloudNativePG names the primary's Service {@code <cluster>-rw}: the URL the API is given points at it. */
    @ParameterizedTest
    @MethodSource("overlays")
    void theDatabaseIsACloudNativePgClusterBehindTheConfiguredHost(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        JsonNode cluster = rendered.get("Cluster", "securemail-pg");
        assertThat(cluster.path("apiVersion").asText()).isEqualTo("postgresql.cnpg.io/v1");
        assertThat(cluster.path("spec").path("bootstrap").path("initdb").path("database").asText()).isEqualTo("securemail");
        assertThat(cluster.path("spec").path("bootstrap").path("initdb").path("owner").asText()).isEqualTo("securemail");
        String namespace = cluster.path("metadata").path("namespace").asText();
        assertThat(namespace).isEqualTo("securemail");
        assertThat(rendered.get("ConfigMap", "securemail-platform").path("data").path("PG_URL").asText())
                .contains("//securemail-pg-rw." + namespace + ".svc:5432/securemail");
    }

    /** Delivery and the DNS service scale on their consumer-group lag (KEDA), ingest on CPU (HPA), within partitions. */
    @Test
    void productionScalesTheMailPathOnLagAndIngestOnCpu() throws IOException {
        Rendered production = Rendered.overlay("production");
        for (String[] target : new String[][] {{"delivery-service", "delivery-mail-in", "mail.ready"},
                {"dns-service", "dns-service", "dns.queries"}}) {
            JsonNode scaled = production.get("ScaledObject", target[0]).path("spec");
            assertThat(scaled.path("scaleTargetRef").path("name").asText()).isEqualTo(target[0]);
            assertThat(scaled.path("maxReplicaCount").asInt()).isEqualTo(6);
            JsonNode trigger = scaled.path("triggers").path(0);
            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo(target[1]);
            assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo(target[2]);
            assertThat(trigger.path("metadata").path("bootstrapServersFromEnv").asText()).isEqualTo("KAFKA_BOOTSTRAP_SERVERS");
        }
        JsonNode hpa = production.get("HorizontalPodAutoscaler", "ingest-service").path("spec");
        assertThat(hpa.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.path("scaleTargetRef").path("name").asText()).isEqualTo("ingest-service");
        assertThat(hpa.path("metrics").path(0).path("resource").path("name").asText()).isEqualTo("cpu");
        // the groups and topics named there are the ones the services use
        assertThat(Files.readString(Rendered.root().resolve("delivery-service/src/main/resources/application.properties")))
                .contains("mp.messaging.incoming.mail-in.group.id=delivery-mail-in")
                .contains("delivery.input=${DELIVERY_INPUT:mail.ready}");
        assertThat(Files.readString(Rendered.root().resolve("dns-service/server/src/main/resources/application.properties")))
                .contains("mp.messaging.incoming.dns-queries.group.id=dns-service")
                .contains("mp.messaging.incoming.dns-queries.topic=dns.queries");
    }

    static Set<String> secretsRead(JsonNode pod) {
        Set<String> names = new TreeSet<>();
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path(list)) {
                c.path("envFrom").forEach(e -> add(names, e.path("secretRef").path("name")));
                c.path("env").forEach(e -> add(names, e.path("valueFrom").path("secretKeyRef").path("name")));
            }
        }
        for (JsonNode volume : pod.path("volumes")) {
            add(names, volume.path("secret").path("secretName"));
            volume.path("projected").path("sources").forEach(s -> add(names, s.path("secret").path("name")));
        }
        return names;
    }

    private static void add(Set<String> names, JsonNode name) {
        if (name.isTextual()) {
            names.add(name.asText());
        }
    }

    private static JsonNode pod(Rendered rendered, String service) {
        return rendered.get("Deployment", service).path("spec").path("template").path("spec");
    }

    private static JsonNode container(JsonNode pod, String service) {
        return named(pod.path("containers"), service);
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode item : list) {
            if (name.equals(item.path("name").asText())) {
                return item;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }
}
