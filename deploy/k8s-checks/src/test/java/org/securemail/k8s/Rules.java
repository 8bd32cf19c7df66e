package org.securemail.k8s;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The suite's rules for what it runs on Kubernetes, over rendered objects (issue 13 items 5 and 6, ADR 0083):
 * <ul>
 * <li>every container has a liveness and a readiness probe on its {@code management} port (the Quarkus management
 * interface: {@code /q/health}), CPU and memory requests and a memory limit;</li>
 * <li>every container runs as non-root ({@code runAsNonRoot}), on a read-only root file system, without privilege
 * escalation, with all capabilities dropped, under the {@code RuntimeDefault} seccomp profile; no pod uses the
 * host's network, PID or IPC namespace or a hostPath volume;</li>
 * <li>every image has a tag (or a digest) and the tag is not {@code latest};</li>
 * <li>no secret value is written: no Secret with data, no literal env value or ConfigMap entry under a name that says
 * password/secret/token/key, no URL with a password in it;</li>
 * <li>a Service that faces outside the cluster (LoadBalancer, NodePort, external IPs) carries no HTTP or management
 * port (health and metrics stay in the cluster, ADR 0062);</li>
 * <li>what an object names is there: selectors select pods, named ports exist, autoscalers' targets and the
 * ConfigMaps pods read are in the manifests; a KEDA kafka trigger can reach and log in to the Strimzi listener it
 * reads the lag from.</li>
 * </ul>
 */
final class Rules {

    static final String MANAGEMENT_PORT = "management";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY|_KEY)$|.*(PASSWORD|SECRET|TOKEN).*");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("[a-z][a-z0-9+.-]*://[^/@\\s:]+:[^/@\\s]+@");
    private static final Pattern PASSWORD_IN_TEXT = Pattern.compile("(?i)(password|passwd|secret)\\s*[=:]\\s*\\S");

    private Rules() {
    }

    static List<String> check(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        for (ObjectNode object : rendered.objects()) {
            for (String v : check(object, rendered)) {
                violations.add(rendered.name() + ": " + Rendered.id(object) + ": " + v);
            }
        }
        return violations;
    }

    private static List<String> check(ObjectNode object, Rendered all) {
        List<String> v = new ArrayList<>();
        String kind = object.path("kind").asText();
        podSpec(object).ifPresent(pod -> pod(pod, v));
        if ("Secret".equals(kind) && (object.path("data").size() > 0 || object.path("stringData").size() > 0)) {
            v.add("a Secret with data is written in the repository: let an operator create it (or the operator that owns it)");
        }
        if ("ConfigMap".equals(kind)) {
            fields(object.path("data"), (key, value) -> literal("data." + key, key, value.asText(), v));
        }
        if ("Service".equals(kind)) {
            exposure(object, all, v);
        }
        references(object, all, v);
        return v;
    }

    /**
     * What an object names exists in the rendered output: a Service or a PodDisruptionBudget selects pods, and a
     * Service's or a NetworkPolicy's named port is a port of those pods; an autoscaler's target is a workload; a
     * ConfigMap a pod reads (and the key, unless optional) is there. Secrets are made outside the manifests.
     */
    private static void references(ObjectNode object, Rendered all, List<String> v) {
        String kind = object.path("kind").asText();
        JsonNode spec = object.path("spec");
        switch (kind) {
            case "Service" -> {
                List<JsonNode> pods = selected(spec.path("selector"), all);
                if (pods.isEmpty()) {
                    v.add("its selector " + spec.path("selector") + " selects no pod");
                }
                for (JsonNode port : spec.path("ports")) {
                    if (port.path("targetPort").isTextual() && !pods.isEmpty()
                            && !hasPortNamed(pods, port.path("targetPort").asText())) {
                        v.add("targetPort " + port.path("targetPort").asText() + " is no container port of its pods");
                    }
                }
            }
            case "PodDisruptionBudget" -> {
                if (selected(spec.path("selector").path("matchLabels"), all).isEmpty()) {
                    v.add("its selector selects no pod");
                }
            }
            case "NetworkPolicy" -> {
                List<JsonNode> pods = new ArrayList<>();
                for (ObjectNode workload : all.objects()) {
                    if (podSpec(workload).isPresent() && matches(spec.path("podSelector"), podLabels(workload))) {
                        pods.add(podSpec(workload).get());
                    }
                }
                for (JsonNode rule : spec.path("ingress")) {
                    for (JsonNode port : rule.path("ports")) {
                        if (port.path("port").isTextual() && !hasPortNamed(pods, port.path("port").asText())) {
                            v.add("port " + port.path("port").asText() + " is no container port of the pods it selects");
                        }
                    }
                }
            }
            case "HorizontalPodAutoscaler", "ScaledObject" -> {
                String target = spec.path("scaleTargetRef").path("name").asText();
                String targetKind = spec.path("scaleTargetRef").path("kind").asText("Deployment");
                Optional<ObjectNode> workload = all.ofKind(targetKind).stream()
                        .filter(o -> target.equals(Rendered.name(o))).findFirst();
                if (workload.isEmpty()) {
                    v.add("scaleTargetRef " + targetKind + "/" + target + " is not in the manifests");
                } else if ("ScaledObject".equals(kind)) {
                    for (JsonNode trigger : spec.path("triggers")) {
                        if ("kafka".equals(trigger.path("type").asText())) {
                            kafkaTrigger(trigger, workload.get(), all, v);
                        }
                    }
                }
            }
            default -> podSpec(object).ifPresent(pod -> configMaps(pod, all, v));
        }
    }

    /**
     * KEDA's kafka scaler reads the consumer group's lag from the brokers itself, from KEDA's namespace: the Strimzi
     * listener its bootstrap address names must let it in (an authenticationRef when the listener wants TLS or a
     * login; a namespaceSelector among the listener's networkPolicyPeers when it has any).
     */
    private static void kafkaTrigger(JsonNode trigger, JsonNode workload, Rendered all, List<String> v) {
        JsonNode metadata = trigger.path("metadata");
        String bootstrap = metadata.path("bootstrapServers").asText("");
        if (bootstrap.isEmpty() && metadata.has("bootstrapServersFromEnv")) {
            bootstrap = envValue(workload, metadata.path("bootstrapServersFromEnv").asText(), all).orElse("");
            if (bootstrap.isEmpty()) {
                v.add("kafka trigger: " + metadata.path("bootstrapServersFromEnv").asText()
                        + " is not set in the target's env or ConfigMaps");
                return;
            }
        }
        for (String server : bootstrap.split(",")) {
            String host = server.trim().replaceFirst(":\\d+$", "");
            int port = server.trim().matches(".*:\\d+$") ? Integer.parseInt(server.trim().replaceFirst(".*:", "")) : -1;
            for (ObjectNode kafka : all.ofKind("Kafka")) {
                if (!host.startsWith(Rendered.name(kafka) + "-kafka-bootstrap")) {
                    continue;
                }
                JsonNode listener = null;
                for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
                    if (l.path("port").asInt() == port) {
                        listener = l;
                    }
                }
                if (listener == null) {
                    v.add("kafka trigger: Kafka " + Rendered.name(kafka) + " has no listener on port " + port);
                    continue;
                }
                boolean secured = listener.path("tls").asBoolean(false) || listener.has("authentication");
                if (secured && !trigger.has("authenticationRef")) {
                    v.add("kafka trigger: listener " + listener.path("name").asText() + " wants TLS or a login, and "
                            + "the trigger has no authenticationRef (a TriggerAuthentication with KEDA's own KafkaUser)");
                }
                JsonNode peers = listener.path("networkPolicyPeers");
                boolean otherNamespaces = false;
                for (JsonNode peer : peers) {
                    otherNamespaces |= peer.has("namespaceSelector");
                }
                if (peers.size() > 0 && !otherNamespaces) {
                    v.add("kafka trigger: listener " + listener.path("name").asText() + " admits only pods of its "
                            + "namespace (networkPolicyPeers): KEDA's operator, in its own namespace, cannot read the lag");
                }
            }
        }
    }

    /** The value of an env variable of the workload's first container: literal or from a ConfigMap of the manifests. */
    private static Optional<String> envValue(JsonNode workload, String name, Rendered all) {
        JsonNode container = podSpec(workload).orElseThrow().path("containers").path(0);
        for (JsonNode env : container.path("env")) {
            if (name.equals(env.path("name").asText()) && env.has("value")) {
                return Optional.of(env.path("value").asText());
            }
        }
        for (JsonNode from : container.path("envFrom")) {
            String map = from.path("configMapRef").path("name").asText(null);
            for (ObjectNode m : all.ofKind("ConfigMap")) {
                if (Rendered.name(m).equals(map) && m.path("data").has(name)) {
                    return Optional.of(m.path("data").path(name).asText());
                }
            }
        }
        return Optional.empty();
    }

    private static void configMaps(JsonNode pod, Rendered all, List<String> v) {
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path(list)) {
                for (JsonNode from : c.path("envFrom")) {
                    configMap(from.path("configMapRef"), null, all, v);
                }
                for (JsonNode env : c.path("env")) {
                    JsonNode ref = env.path("valueFrom").path("configMapKeyRef");
                    configMap(ref, ref.path("key").asText(null), all, v);
                }
            }
        }
        for (JsonNode volume : pod.path("volumes")) {
            configMap(volume.path("configMap"), null, all, v);
        }
    }

    private static void configMap(JsonNode ref, String key, Rendered all, List<String> v) {
        if (!ref.has("name") || ref.path("optional").asBoolean(false)) {
            return;
        }
        String name = ref.path("name").asText();
        Optional<ObjectNode> map = all.ofKind("ConfigMap").stream().filter(m -> name.equals(Rendered.name(m))).findFirst();
        if (map.isEmpty()) {
            v.add("reads ConfigMap " + name + ", which is not in the manifests");
        } else if (key != null && !map.get().path("data").has(key)) {
            v.add("reads key " + key + " of ConfigMap " + name + ", which has no such key");
        }
    }

    private static List<JsonNode> selected(JsonNode matchLabels, Rendered all) {
        List<JsonNode> pods = new ArrayList<>();
        for (ObjectNode workload : all.objects()) {
            if (podSpec(workload).isPresent() && selects(matchLabels, podLabels(workload))) {
                pods.add(podSpec(workload).get());
            }
        }
        return pods;
    }

    private static JsonNode podLabels(JsonNode workload) {
        return "Pod".equals(workload.path("kind").asText()) ? workload.path("metadata").path("labels")
                : workload.path("spec").path("template").path("metadata").path("labels");
    }

    private static boolean hasPortNamed(List<JsonNode> pods, String name) {
        for (JsonNode pod : pods) {
            for (JsonNode c : pod.path("containers")) {
                for (JsonNode port : c.path("ports")) {
                    if (name.equals(port.path("name").asText())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A label selector (matchLabels and matchExpressions with In, NotIn, Exists, DoesNotExist) against labels. */
    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.has("matchLabels") && !selects(selector.path("matchLabels"), labels)
                && selector.path("matchLabels").size() > 0) {
            return false;
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            String value = labels.path(e.path("key").asText()).asText(null);
            List<String> values = new ArrayList<>();
            e.path("values").forEach(x -> values.add(x.asText()));
            boolean ok = switch (e.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The pod spec of a workload: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob. */
    static Optional<JsonNode> podSpec(JsonNode object) {
        return switch (object.path("kind").asText()) {
            case "Pod" -> Optional.of(object.path("spec"));
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
                    Optional.of(object.path("spec").path("template").path("spec"));
            case "CronJob" -> Optional.of(object.path("spec").path("jobTemplate").path("spec").path("template").path("spec"));
            default -> Optional.empty();
        };
    }

    private static void pod(JsonNode pod, List<String> v) {
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (pod.path(host).asBoolean(false)) {
                v.add(host + ": true");
            }
        }
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.has("hostPath")) {
                v.add("volume " + volume.path("name").asText() + " is a hostPath");
            }
        }
        JsonNode podSecurity = pod.path("securityContext");
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path(list)) {
                container(c, podSecurity, "initContainers".equals(list), v);
            }
        }
    }

    private static void container(JsonNode c, JsonNode podSecurity, boolean init, List<String> v) {
        String name = "container " + c.path("name").asText();
        JsonNode sc = c.path("securityContext");
        if (!effective(sc, podSecurity, "runAsNonRoot").asBoolean(false)) {
            v.add(name + ": runAsNonRoot is not true");
        }
        if (effective(sc, podSecurity, "runAsUser").asLong(-1) == 0) {
            v.add(name + ": runAsUser is 0 (root)");
        }
        if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
            v.add(name + ": readOnlyRootFilesystem is not true");
        }
        if (!sc.path("allowPrivilegeEscalation").isBoolean() || sc.path("allowPrivilegeEscalation").asBoolean()) {
            v.add(name + ": allowPrivilegeEscalation is not false");
        }
        if (sc.path("privileged").asBoolean(false)) {
            v.add(name + ": privileged");
        }
        boolean dropsAll = false;
        for (JsonNode cap : sc.path("capabilities").path("drop")) {
            dropsAll |= "ALL".equals(cap.asText());
        }
        if (!dropsAll) {
            v.add(name + ": capabilities.drop does not contain ALL");
        }
        if (sc.path("capabilities").path("add").size() > 0) {
            v.add(name + ": adds capabilities " + sc.path("capabilities").path("add"));
        }
        if (!"RuntimeDefault".equals(effective(sc, podSecurity, "seccompProfile").path("type").asText())) {
            v.add(name + ": seccompProfile.type is not RuntimeDefault");
        }
        image(name, c.path("image").asText(""), v);
        JsonNode resources = c.path("resources");
        for (String r : List.of("requests.cpu", "requests.memory", "limits.memory")) {
            String[] p = r.split("\\.");
            if (resources.path(p[0]).path(p[1]).asText("").isBlank()) {
                v.add(name + ": no resources." + r);
            }
        }
        if (!init) {
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                probe(name, c, probe, v);
            }
        }
        for (JsonNode env : c.path("env")) {
            if (env.has("value")) {
                literal(name + ": env " + env.path("name").asText(), env.path("name").asText(), env.path("value").asText(), v);
            }
        }
    }

    private static JsonNode effective(JsonNode container, JsonNode pod, String field) {
        return container.has(field) ? container.path(field) : pod.path(field);
    }

    private static void probe(String name, JsonNode c, String probe, List<String> v) {
        JsonNode p = c.path(probe);
        if (p.isMissingNode() || p.isNull()) {
            v.add(name + ": no " + probe);
            return;
        }
        JsonNode action = p.has("httpGet") ? p.path("httpGet") : p.has("grpc") ? p.path("grpc") : p.path("tcpSocket");
        JsonNode port = action.path("port");
        boolean management = MANAGEMENT_PORT.equals(port.asText())
                || port.isInt() && port.asInt() == containerPort(c, MANAGEMENT_PORT).orElse(-1);
        if (!management) {
            v.add(name + ": " + probe + " is not on the " + MANAGEMENT_PORT + " port (port " + port + ")");
        }
    }

    private static Optional<Integer> containerPort(JsonNode c, String portName) {
        for (JsonNode port : c.path("ports")) {
            if (portName.equals(port.path("name").asText())) {
                return Optional.of(port.path("containerPort").asInt());
            }
        }
        return Optional.empty();
    }

    static void image(String name, String image, List<String> v) {
        if (image.isBlank()) {
            v.add(name + ": no image");
            return;
        }
        if (image.contains("@sha256:")) {
            return;
        }
        String last = image.substring(image.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        if (colon < 0) {
            v.add(name + ": image " + image + " has no tag");
        } else if ("latest".equals(last.substring(colon + 1))) {
            v.add(name + ": image " + image + " is tagged latest");
        }
    }

    private static void literal(String where, String key, String value, List<String> v) {
        if (value.isBlank()) {
            return;
        }
        if (SECRET_NAME.matcher(key).matches()) {
            v.add(where + " is a literal value under a secret's name: take it from a Secret (valueFrom.secretKeyRef)");
        } else if (PASSWORD_IN_URL.matcher(value).find()) {
            v.add(where + " has a URL with a password in it");
        } else if (PASSWORD_IN_TEXT.matcher(value).find()) {
            v.add(where + " has a password in it");
        }
    }

    /** A Service reachable from outside the cluster must not carry a port that is, on its pods, http or management. */
    private static void exposure(ObjectNode service, Rendered all, List<String> v) {
        JsonNode spec = service.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        boolean external = "LoadBalancer".equals(type) || "NodePort".equals(type) || spec.path("externalIPs").size() > 0;
        if (!external) {
            return;
        }
        List<JsonNode> pods = new ArrayList<>();
        for (ObjectNode workload : all.objects()) {
            Optional<JsonNode> pod = podSpec(workload);
            if (pod.isPresent() && selects(spec.path("selector"), podLabels(workload))) {
                pods.add(pod.get());
            }
        }
        for (JsonNode port : spec.path("ports")) {
            JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
            String portName = port.path("name").asText("");
            List<String> names = new ArrayList<>(List.of(portName));
            for (JsonNode pod : pods) {
                for (JsonNode c : pod.path("containers")) {
                    for (JsonNode cp : c.path("ports")) {
                        if (target.isInt() ? cp.path("containerPort").asInt() == target.asInt()
                                : cp.path("name").asText().equals(target.asText())) {
                            names.add(cp.path("name").asText());
                        }
                    }
                }
            }
            if (names.contains(MANAGEMENT_PORT) || names.contains("http") || target.asText().equals(MANAGEMENT_PORT)
                    || target.asText().equals("http")) {
                v.add("the " + type + " Service carries port " + port.path("port").asText() + " (" + target.asText()
                        + "), an HTTP or management port of its pods: health and metrics stay in the cluster");
            }
        }
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.size() == 0) {
            return false;
        }
        Iterator<Map.Entry<String, JsonNode>> it = selector.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static void fields(JsonNode node, java.util.function.BiConsumer<String, JsonNode> each) {
        node.fields().forEachRemaining(e -> each.accept(e.getKey(), e.getValue()));
    }
}
