package org.securemail.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A careless edit fails the rules: each test edits one object of the rendered production overlay (or adds a broken
 * document) and asserts {@link Rules} reports exactly that.
 */
class RulesTest {

    private static final Rendered PRODUCTION = Rendered.overlay("production");
    private static final String INGEST = "overlays/production (edited): Deployment/ingest-service: container ingest-service: ";

    private static List<String> violationsAfter(String kind, String name, Consumer<ObjectNode> edit) {
        return Rules.check(PRODUCTION.with(kind, name, edit));
    }

    private static List<String> afterIngestContainer(Consumer<ObjectNode> edit) {
        return violationsAfter("Deployment", "ingest-service",
                d -> edit.accept((ObjectNode) d.path("spec").path("template").path("spec").path("containers").path(0)));
    }

    @Test
    void theProductionOverlayHasNoViolationToStartWith() {
        assertThat(Rules.check(PRODUCTION)).isEmpty();
    }

    @Test
    void aMissingProbeOrAProbeOffTheManagementPortFails() {
        assertThat(afterIngestContainer(c -> c.remove("readinessProbe"))).containsExactly(INGEST + "no readinessProbe");
        assertThat(afterIngestContainer(c -> c.remove("livenessProbe"))).containsExactly(INGEST + "no livenessProbe");
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("livenessProbe").path("httpGet")).put("port", "http")))
                .containsExactly(INGEST + "livenessProbe is not on the management port (port \"http\")");
        // by number: the management port's number is fine, another number is not
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("readinessProbe").path("httpGet")).put("port", 9000)))
                .isEmpty();
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("readinessProbe").path("httpGet")).put("port", 8081)))
                .containsExactly(INGEST + "readinessProbe is not on the management port (port 8081)");
    }

    @Test
    void missingRequestsOrLimitsFail() {
        assertThat(afterIngestContainer(c -> c.remove("resources"))).containsExactly(INGEST + "no resources.requests.cpu",
                INGEST + "no resources.requests.memory", INGEST + "no resources.limits.memory");
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("resources")).remove("limits")))
                .containsExactly(INGEST + "no resources.limits.memory");
    }

    @Test
    void aWeakerSecurityContextFails() {
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("securityContext")).put("readOnlyRootFilesystem", false)))
                .containsExactly(INGEST + "readOnlyRootFilesystem is not true");
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("securityContext")).remove("capabilities")))
                .containsExactly(INGEST + "capabilities.drop does not contain ALL");
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("securityContext")).remove("allowPrivilegeEscalation")))
                .containsExactly(INGEST + "allowPrivilegeEscalation is not false");
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("securityContext")).put("runAsNonRoot", false)))
                .containsExactly(INGEST + "runAsNonRoot is not true");
        assertThat(violationsAfter("Deployment", "ingest-service",
                d -> ((ObjectNode) d.path("spec").path("template").path("spec")).remove("securityContext")))
                .containsExactly(INGEST + "runAsNonRoot is not true", INGEST + "seccompProfile.type is not RuntimeDefault");
        assertThat(violationsAfter("Deployment", "ingest-service",
                d -> ((ObjectNode) d.path("spec").path("template").path("spec")).put("hostNetwork", true)))
                .containsExactly("overlays/production (edited): Deployment/ingest-service: hostNetwork: true");
    }

    @Test
    void aLatestOrMissingTagFails() {
        assertThat(afterIngestContainer(c -> c.put("image", "securemail/ingest-service:latest")))
                .containsExactly(INGEST + "image securemail/ingest-service:latest is tagged latest");
        assertThat(afterIngestContainer(c -> c.put("image", "registry.example:5000/securemail/ingest-service")))
                .containsExactly(INGEST + "image registry.example:5000/securemail/ingest-service has no tag");
        assertThat(afterIngestContainer(c -> c.put("image", "securemail/ingest-service@sha256:" + "0".repeat(64))))
                .isEmpty();
    }

    @Test
    void aLiteralSecretFails() {
        assertThat(afterIngestContainer(c -> c.withArray("env").addObject().put("name", "PG_PASSWORD").put("value", "change-me")))
                .containsExactly(INGEST + "env PG_PASSWORD is a literal value under a secret's name: take it from a "
                        + "Secret (valueFrom.secretKeyRef)");
        assertThat(afterIngestContainer(c -> c.withArray("env").addObject().put("name", "KAFKA_SASL_JAAS_CONFIG")
                .put("value", "ScramLoginModule required username=\"x\" password=\"hunter2\";")))
                .containsExactly(INGEST + "env KAFKA_SASL_JAAS_CONFIG has a password in it");
        assertThat(violationsAfter("ConfigMap", "securemail-platform", m -> ((ObjectNode) m.path("data"))
                .put("PG_REACTIVE_URL", "postgresql://securemail:s3cret@securemail-pg-rw:5432/securemail")))
                .containsExactly("overlays/production (edited): ConfigMap/securemail-platform: data.PG_REACTIVE_URL has a "
                        + "URL with a password in it");
        Rendered secret = Rendered.parse("secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: securemail-db
                stringData:
                  PG_PASSWORD: change-me
                """);
        assertThat(Rules.check(secret)).containsExactly("secret.yaml: Secret/securemail-db: a Secret with data is written in "
                + "the repository: let an operator create it (or the operator that owns it)");
    }

    @Test
    void healthOrMetricsOnTheSmtpLoadBalancerFail() {
        assertThat(violationsAfter("Service", "ingest-smtp", s -> s.withArray("/spec/ports").addObject()
                .put("name", "metrics").put("port", 9000).put("targetPort", "management")))
                .containsExactly("overlays/production (edited): Service/ingest-smtp: the LoadBalancer Service carries port "
                        + "9000 (management), an HTTP or management port of its pods: health and metrics stay in the cluster");
        // by number too: 8081 is the container port named http
        assertThat(violationsAfter("Service", "ingest-smtp", s -> s.withArray("/spec/ports").addObject()
                .put("name", "web").put("port", 80).put("targetPort", 8081))).singleElement().asString()
                .contains("carries port 80 (8081)");
        // the in-cluster Service may carry them
        assertThat(Rules.check(PRODUCTION).stream().filter(v -> v.contains("Service/ingest-service"))).isEmpty();
    }

    @Test
    void aReferenceToNothingFails() {
        assertThat(violationsAfter("Service", "dns-service", s -> ((ObjectNode) s.path("spec").path("ports").path(1))
                .put("targetPort", "managment"))).containsExactly("overlays/production (edited): Service/dns-service: "
                        + "targetPort managment is no container port of its pods");
        assertThat(violationsAfter("PodDisruptionBudget", "dns-service", p -> ((ObjectNode) p.path("spec").path("selector")
                .path("matchLabels")).put("app.kubernetes.io/name", "dns"))).containsExactly(
                        "overlays/production (edited): PodDisruptionBudget/dns-service: its selector selects no pod");
        assertThat(violationsAfter("ScaledObject", "delivery-service", o -> ((ObjectNode) o.path("spec")
                .path("scaleTargetRef")).put("name", "delivery"))).containsExactly("overlays/production (edited): "
                        + "ScaledObject/delivery-service: scaleTargetRef Deployment/delivery is not in the manifests");
        assertThat(violationsAfter("NetworkPolicy", "smtp-from-anywhere", n -> ((ObjectNode) n.path("spec").path("ingress")
                .path(0).path("ports").path(0)).put("port", "smtps"))).containsExactly("overlays/production (edited): "
                        + "NetworkPolicy/smtp-from-anywhere: port smtps is no container port of the pods it selects");
        assertThat(afterIngestContainer(c -> ((ObjectNode) c.path("envFrom").path(0).path("configMapRef"))
                .put("name", "securemail-platfrom"))).containsExactly(INGEST.replace("container ingest-service: ", "")
                        + "reads ConfigMap securemail-platfrom, which is not in the manifests");
    }

    /** KEDA reads the lag itself: a listener it cannot log in to, or that its namespace cannot reach, fails. */
    @Test
    void aKedaKafkaTriggerThatCannotReachItsListenerFails() {
        Rendered noLogin = PRODUCTION.with("ScaledObject", "delivery-service",
                o -> ((ObjectNode) o.path("spec").path("triggers").path(0)).remove("authenticationRef"));
        assertThat(Rules.check(noLogin)).singleElement().asString().matches(
                ".*ScaledObject/delivery-service: kafka trigger: listener tls wants TLS or a login, and the trigger has "
                        + "no authenticationRef.*");
        Rendered kedaNotAdmitted = PRODUCTION.with("Kafka", "securemail", k -> ((ArrayNode) k.path("spec").path("kafka")
                .path("listeners").path(0).path("networkPolicyPeers")).remove(1));
        assertThat(Rules.check(kedaNotAdmitted)).hasSize(2).allSatisfy(v -> assertThat(v).matches(
                ".*ScaledObject/(delivery|dns)-service: kafka trigger: listener tls admits only pods of its namespace.*"));
        assertThat(Rules.check(PRODUCTION.with("ConfigMap", "securemail-platform",
                m -> ((ObjectNode) m.path("data")).put("KAFKA_BOOTSTRAP_SERVERS", "securemail-kafka-bootstrap:9094"))))
                .hasSize(2).allSatisfy(v -> assertThat(v).endsWith("kafka trigger: Kafka securemail has no listener on port 9094"));
    }
}
