package org.securemail.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The objects of one rendered overlay (or of a YAML text), as JSON trees, in the order kustomize wrote them. */
record Rendered(String name, List<ObjectNode> objects) {

    static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, Rendered> OVERLAYS = new ConcurrentHashMap<>();

    /** The repository root: {@code -Dsecuremail.root} (set by Maven) or found upwards from the working directory. */
    static Path root() {
        String configured = System.getProperty("securemail.root", "");
        Path dir = configured.isBlank() ? Path.of("").toAbsolutePath() : Path.of(configured).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("deploy/k8s/overlays"))) {
                return d;
            }
        }
        throw new IllegalStateException("no deploy/k8s/overlays above " + dir);
    }

    static Path k8s() {
        return root().resolve("deploy/k8s");
    }

    /** The names of the overlays under {@code deploy/k8s/overlays}: every directory with a kustomization. */
    static List<String> overlayNames() {
        try (Stream<Path> dirs = Files.list(k8s().resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The overlay {@code deploy/k8s/overlays/<name>} rendered by kustomize (once per test run). */
    static Rendered overlay(String name) {
        return OVERLAYS.computeIfAbsent(name,
                n -> parse("overlays/" + n, Kustomize.render(k8s().resolve("overlays").resolve(n))));
    }

    /** The documents of a multi-document YAML text; empty documents are left out. */
    static Rendered parse(String name, String yaml) {
        List<ObjectNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc instanceof ObjectNode object) {
                    objects.add(object);
                } else if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    throw new IllegalArgumentException(name + ": a document that is not an object: " + doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": not YAML", e);
        }
        return new Rendered(name, List.copyOf(objects));
    }

    List<ObjectNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    ObjectNode get(String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()) && name.equals(Rendered.name(o)))
                .findFirst().orElseThrow(() -> new AssertionError(this.name + ": no " + kind + " " + name));
    }

    /** A deep copy with one object replaced by an edited copy of it: the careless edits of the tests. */
    Rendered with(String kind, String objectName, java.util.function.Consumer<ObjectNode> edit) {
        List<ObjectNode> copy = new ArrayList<>();
        for (ObjectNode o : objects) {
            ObjectNode c = o.deepCopy();
            if (kind.equals(c.path("kind").asText()) && objectName.equals(Rendered.name(c))) {
                edit.accept(c);
            }
            copy.add(c);
        }
        return new Rendered(name + " (edited)", copy);
    }

    /** A copy with more objects. */
    Rendered plus(Rendered more) {
        List<ObjectNode> all = new ArrayList<>(objects);
        all.addAll(more.objects);
        return new Rendered(name + " + " + more.name, all);
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    /** {@code Kind/name}, how the reports name an object. */
    static String id(JsonNode object) {
        return object.path("kind").asText("?") + "/" + name(object);
    }
}
