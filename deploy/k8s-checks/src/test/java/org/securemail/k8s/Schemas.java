package org.securemail.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * Every rendered object against the schema of its kind, with unknown fields failing (ADR 0083):
 * <ul>
 * <li>the Kubernetes built-in kinds through fabric8's kubernetes-model (the Quarkus BOM's version) and Strimzi's
 * custom resources through Strimzi's Java API model ({@code io.strimzi:api}), both read by a Jackson mapper that has
 * no "any setter" (the models keep unknown fields in a map; here an unknown field fails), coerces no scalar (a
 * {@code "3"} is not a number) and fails on unknown properties;</li>
 * <li>KEDA's and CloudNativePG's custom resources against the {@code openAPIV3Schema} of their CRDs
 * ({@code src/test/resources/crds}), with json-schema-validator; as the API server does with a structural schema, an
 * object without {@code x-kubernetes-preserve-unknown-fields} admits only the fields its schema lists.</li>
 * </ul>
 * A kind with no schema here is itself a problem: add its schema before using it.
 */
final class Schemas {

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class));

    /** apiVersion/kind to the CRD file (in {@code crds/}) whose version of that name has the schema. */
    private static final Map<String, String> CRDS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", "keda.sh_scaledobjects.yaml",
            "keda.sh/v1alpha1/TriggerAuthentication", "keda.sh_triggerauthentications.yaml",
            "postgresql.cnpg.io/v1/Cluster", "postgresql.cnpg.io_clusters.yaml");

    static final ObjectMapper STRICT = strictMapper();
    private static final Map<String, Schema> CRD_SCHEMAS = new ConcurrentHashMap<>();

    private Schemas() {
    }

    /** The problems of every object, each line naming the object and the field. */
    static List<String> check(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode object : rendered.objects()) {
            for (String problem : check(object)) {
                problems.add(rendered.name() + ": " + Rendered.id(object) + ": " + problem);
            }
        }
        return problems;
    }

    static List<String> check(ObjectNode object) {
        String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        Class<?> model = MODELS.get(key);
        if (model != null) {
            return typed(object, model);
        }
        String crd = CRDS.get(key);
        if (crd != null) {
            List<String> problems = new ArrayList<>(typed(object.path("metadata"), ObjectMeta.class).stream()
                    .map(p -> p.replaceFirst("^(unknown field |at )\\.", "$1.metadata.")).toList());
            String version = object.path("apiVersion").asText().replaceFirst(".*/", "");
            for (Error error : crdSchema(crd, version).validate(object.toString(), InputFormat.JSON)) {
                problems.add("at " + error.getInstanceLocation() + ": " + error.getMessage());
            }
            return problems;
        }
        return List.of("no schema for apiVersion " + object.path("apiVersion").asText() + " kind "
                + object.path("kind").asText() + " (add it to Schemas, ADR 0083)");
    }

    private static List<String> typed(JsonNode node, Class<?> model) {
        try {
            STRICT.treeToValue(node, model);
            return List.of();
        } catch (UnrecognizedPropertyException e) {
            return List.of("unknown field " + path(e));
        } catch (JsonMappingException e) {
            return List.of("at " + path(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            return List.of(e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "." : path.toString();
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetter = new SimpleModule("no-any-setter");
        noAnySetter.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                    BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        return JsonMapper.builder()
                .addModule(noAnySetter)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    private static Schema crdSchema(String file, String version) {
        return CRD_SCHEMAS.computeIfAbsent(file + "#" + version, k -> {
            try (InputStream in = Schemas.class.getResourceAsStream("/crds/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("no crds/" + file + " on the test classpath");
                }
                JsonNode crd = Rendered.YAML.readTree(in);
                for (JsonNode v : crd.path("spec").path("versions")) {
                    if (version.equals(v.path("name").asText())) {
                        JsonNode schema = structural(v.path("schema").path("openAPIV3Schema").deepCopy(), true);
                        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                                .getSchema(schema.toString(), InputFormat.JSON);
                    }
                }
                throw new IllegalStateException("crds/" + file + " has no version " + version);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * An OpenAPI v3 schema of a CRD as JSON Schema draft 4, with Kubernetes' rules for structural schemas: an object
     * admits only its listed fields unless it has {@code additionalProperties} or
     * {@code x-kubernetes-preserve-unknown-fields: true}; {@code x-kubernetes-int-or-string} takes a number or a
     * string; {@code nullable} admits null; an embedded resource admits apiVersion, kind and metadata. The root's
     * {@code metadata} is checked as an ObjectMeta instead.
     */
    static JsonNode structural(JsonNode node, boolean root) {
        if (!(node instanceof ObjectNode schema)) {
            return node;
        }
        for (String key : List.of("properties", "patternProperties", "definitions")) {
            if (schema.get(key) instanceof ObjectNode props) {
                Iterator<Map.Entry<String, JsonNode>> fields = props.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    boolean rootMetadata = root && "properties".equals(key) && "metadata".equals(field.getKey());
                    field.setValue(rootMetadata ? schema.objectNode() : structural(field.getValue(), false));
                }
            }
        }
        for (String key : List.of("items", "additionalProperties", "not")) {
            if (schema.get(key) instanceof ObjectNode sub) {
                schema.set(key, structural(sub, false));
            }
        }
        for (String key : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.get(key) instanceof ArrayNode subs) {
                for (int i = 0; i < subs.size(); i++) {
                    subs.set(i, structural(subs.get(i), false));
                }
            }
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            schema.remove("type");
            if (!schema.has("anyOf")) {
                schema.putArray("anyOf").add(schema.objectNode().put("type", "integer"))
                        .add(schema.objectNode().put("type", "string"));
            }
        }
        if (schema.path("nullable").asBoolean(false) && schema.get("type") instanceof TextNode type) {
            schema.putArray("type").add(type.asText()).add("null");
        }
        if (schema.path("x-kubernetes-embedded-resource").asBoolean(false) && schema.get("properties") instanceof ObjectNode props) {
            props.putIfAbsent("apiVersion", schema.objectNode().put("type", "string"));
            props.putIfAbsent("kind", schema.objectNode().put("type", "string"));
            props.putIfAbsent("metadata", schema.objectNode().put("type", "object"));
        }
        boolean object = "object".equals(schema.path("type").asText()) || schema.has("properties");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (object && !preserve && !schema.has("additionalProperties")) {
            schema.put("additionalProperties", false);
        }
        // read above; json-schema-validator does not know them
        schema.remove(List.of("x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
                "x-kubernetes-embedded-resource", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
                "x-kubernetes-map-type", "x-kubernetes-validations"));
        return schema;
    }
}
