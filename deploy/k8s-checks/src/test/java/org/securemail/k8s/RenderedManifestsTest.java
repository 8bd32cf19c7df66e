package org.securemail.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 13 item 6: every overlay under {@code deploy/k8s/overlays} renders, and every object it renders matches its
 * schema (unknown fields fail) and follows the rules of {@link Rules}. New files come in through the kustomizations.
 */
class RenderedManifestsTest {

    static List<String> overlays() {
        return Rendered.overlayNames();
    }

    @Test
    void theDevAndProductionOverlaysExist() {
        assertThat(overlays()).contains("dev", "production");
    }

    /** A manifest no kustomization names is never rendered, so never checked nor deployed: there is none. */
    @Test
    void everyManifestIsNamedByAKustomization() throws IOException {
        Path k8s = Rendered.k8s();
        Set<Path> named = new TreeSet<>();
        List<Path> manifests;
        try (Stream<Path> files = Files.walk(k8s)) {
            manifests = files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path file : manifests) {
            if (!file.getFileName().toString().startsWith("kustomization.")) {
                continue;
            }
            JsonNode kustomization = Rendered.YAML.readTree(file.toFile());
            for (String list : List.of("resources", "components", "patchesStrategicMerge", "crds")) {
                kustomization.path(list).forEach(r -> named.add(file.getParent().resolve(r.asText()).normalize()));
            }
            for (String list : List.of("patches", "patchesJson6902")) {
                kustomization.path(list).forEach(p -> {
                    if (p.has("path")) {
                        named.add(file.getParent().resolve(p.path("path").asText()).normalize());
                    }
                });
            }
        }
        assertThat(manifests.stream().filter(f -> !f.getFileName().toString().startsWith("kustomization."))
                .filter(f -> !named.contains(f)).map(k8s::relativize)).as("manifests no kustomization names").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRenderedObjectMatchesItsSchema(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        assertThat(rendered.objects()).as(overlay).hasSizeGreaterThan(10);
        assertThat(Schemas.check(rendered)).as(overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRenderedObjectFollowsTheRules(String overlay) {
        assertThat(Rules.check(Rendered.overlay(overlay))).as(overlay).isEmpty();
    }
}
