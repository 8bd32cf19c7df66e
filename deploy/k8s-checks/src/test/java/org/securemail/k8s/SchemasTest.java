package org.securemail.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A careless edit of a manifest fails the schema check: each test edits one object of the rendered production overlay
 * (or writes a broken document) and asserts the check names the object and the field.
 */
class SchemasTest {

    private static final Rendered PRODUCTION = Rendered.overlay("production");

    private static List<String> problemsAfter(String kind, String name, java.util.function.Consumer<ObjectNode> edit) {
        return Schemas.check(PRODUCTION.with(kind, name, edit));
    }

    @Test
    void anUnknownFieldInAContainerFails() {
        assertThat(problemsAfter("Deployment", "ingest-service", d -> container(d).put("imagePullPolcy", "Always")))
                .containsExactly("overlays/production (edited): Deployment/ingest-service: unknown field "
                        + ".spec.template.spec.containers[0].imagePullPolcy");
    }

    @Test
    void aMisspelledSecurityContextFieldFails() {
        assertThat(problemsAfter("Deployment", "dns-service",
                d -> ((ObjectNode) container(d).path("securityContext")).put("readOnlyRootFileSystem", true)))
                .singleElement().asString().contains("unknown field .spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem");
    }

    @Test
    void aNumberWrittenAsAStringFails() {
        assertThat(problemsAfter("Deployment", "delivery-service", d -> ((ObjectNode) d.path("spec")).put("replicas", "3")))
                .singleElement().asString().contains("Deployment/delivery-service: at .spec.replicas");
    }

    @Test
    void anUnknownFieldInAnyBuiltInKindFails() {
        assertThat(problemsAfter("Service", "ingest-smtp", s -> ((ObjectNode) s.path("spec")).put("loadBalancerIPs", "x")))
                .singleElement().asString().contains("Service/ingest-smtp: unknown field .spec.loadBalancerIPs");
        assertThat(problemsAfter("NetworkPolicy", "smtp-from-anywhere", p -> ((ObjectNode) p.path("spec")).put("egres", "x")))
                .singleElement().asString().contains("unknown field .spec.egres");
        assertThat(problemsAfter("PodDisruptionBudget", "ingest-service",
                p -> ((ObjectNode) p.path("spec")).put("maxUnavailible", 1))).singleElement().asString()
                .contains("unknown field .spec.maxUnavailible");
        assertThat(problemsAfter("HorizontalPodAutoscaler", "ingest-service",
                h -> ((ObjectNode) h.path("spec")).put("targetCPUUtilizationPercentage", 70))).singleElement()
                .asString().contains("unknown field .spec.targetCPUUtilizationPercentage");
        assertThat(problemsAfter("ConfigMap", "securemail-platform", c -> c.put("date", "x"))).singleElement()
                .asString().contains("unknown field .date");
    }

    @Test
    void anUnknownFieldInAStrimziResourceFails() {
        assertThat(problemsAfter("KafkaTopic", "mail.accepted", t -> ((ObjectNode) t.path("spec")).put("replica", 3)))
                .singleElement().asString().contains("KafkaTopic/mail.accepted: unknown field .spec.replica");
        assertThat(problemsAfter("Kafka", "securemail",
                k -> ((ObjectNode) k.path("spec").path("kafka").path("listeners").path(0)).put("tsl", true)))
                .singleElement().asString().contains("unknown field .spec.kafka.listeners[0].tsl");
        assertThat(problemsAfter("KafkaNodePool", "dual-role",
                p -> ((ObjectNode) p.path("spec").path("storage")).put("sise", "1Gi")))
                .singleElement().asString().contains("unknown field .spec.storage.sise");
    }

    @Test
    void anUnknownFieldInAKedaOrCloudNativePgResourceFails() {
        assertThat(problemsAfter("ScaledObject", "delivery-service", s -> ((ObjectNode) s.path("spec")).put("maxReplicas", 6)))
                .singleElement().asString().contains("ScaledObject/delivery-service: at /spec").contains("maxReplicas");
        assertThat(problemsAfter("Cluster", "securemail-pg", c -> ((ObjectNode) c.path("spec").path("storage")).put("sise", "1Gi")))
                .singleElement().asString().contains("Cluster/securemail-pg: at /spec/storage").contains("sise");
        assertThat(problemsAfter("Cluster", "securemail-pg", c -> ((ObjectNode) c.path("metadata")).put("lables", "x")))
                .singleElement().asString().contains("Cluster/securemail-pg: unknown field .metadata.lables");
    }

    @Test
    void aMissingRequiredFieldOrAWrongTypeInACrdFails() {
        assertThat(problemsAfter("ScaledObject", "dns-service", s -> ((ObjectNode) s.path("spec")).remove("scaleTargetRef")))
                .singleElement().asString().contains("scaleTargetRef");
        assertThat(problemsAfter("Cluster", "securemail-pg", c -> ((ObjectNode) c.path("spec")).put("instances", "three")))
                .singleElement().asString().contains("at /spec/instances");
    }

    @Test
    void aBrokenDocumentIsReportedFromItsText() {
        Rendered broken = Rendered.parse("broken.yaml", """
                apiVersion: keda.sh/v1alpha1
                kind: TriggerAuthentication
                metadata:
                  name: kafka
                spec:
                  secretTargetRef:
                    - parameter: password
                      name: delivery-service
                      key: password
                      kee: typo
                ---
                apiVersion: example.com/v1
                kind: Widget
                metadata:
                  name: w
                """);
        assertThat(Schemas.check(broken)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("TriggerAuthentication/kafka: at /spec/secretTargetRef/0").contains("kee"))
                .anySatisfy(p -> assertThat(p).contains("Widget/w: no schema for apiVersion example.com/v1 kind Widget"));
    }

    private static ObjectNode container(ObjectNode deployment) {
        return (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").path(0);
    }
}
