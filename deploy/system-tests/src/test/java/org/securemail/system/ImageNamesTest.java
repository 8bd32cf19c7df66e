package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1, ADR 0082: what {@code deploy/images/build} builds is exactly what Kubernetes deploys. Both read
 * {@code deploy/images/images.env}: the script tags {@code <prefix>/<service>:<version>}, each overlay's {@code images:}
 * sets that tag on the base's image of every service, and the base names one image per Deployment.
 */
class ImageNamesTest {

    private static final Path ROOT = Stack.root().toAbsolutePath().normalize();
    private static final Path K8S = ROOT.resolve("deploy/k8s");
    private static final Pattern IMAGE_ENTRY = Pattern.compile(
            "(?m)^  - name: (\\S+)\\n(?:    newName: (\\S+)\\n)?    newTag: \"?([^\"\\s]+)\"?\\n");

    private final Images images = Images.read(ROOT);

    @Test
    void theBuildScriptTagsWhatImagesEnvNames() throws Exception {
        List<String> expected = images.modules.keySet().stream().map(images::reference).toList();
        assertThat(run(ROOT.resolve("deploy/images/build").toString(), "--names")).containsExactlyElementsOf(expected);
        for (var module : images.modules.entrySet()) {
            assertThat(ROOT.resolve(module.getValue()).resolve("pom.xml")).as(module.getKey()).isRegularFile();
        }
    }

    @Test
    void everyDeploymentOfTheBaseRunsOneOfTheImagesByName() throws IOException {
        Map<String, String> deployed = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(K8S.resolve("base"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
                    if (doc.contains("kind: Deployment\n")) {
                        Matcher name = Pattern.compile("(?m)^  name: (\\S+)$").matcher(doc);
                        Matcher image = Pattern.compile("(?m)^ +image: (\\S+)$").matcher(doc);
                        assertThat(name.find()).as(file.toString()).isTrue();
                        assertThat(image.find()).as(file.toString()).isTrue();
                        deployed.put(name.group(1), image.group(1));
                    }
                }
            }
        }
        assertThat(deployed.keySet()).containsExactlyInAnyOrderElementsOf(images.modules.keySet());
        deployed.forEach((service, image) -> assertThat(image).as(service).startsWith(images.prefix + "/" + service + ":"));
    }

    @Test
    void everyOverlaySetsTheBuiltTagOnEveryServiceImage() throws IOException {
        List<Path> overlays;
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            overlays = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(overlays).extracting(p -> p.getFileName().toString()).contains("dev", "production");
        for (Path overlay : overlays) {
            String kustomization = Files.readString(overlay.resolve("kustomization.yaml"));
            int start = kustomization.indexOf("\nimages:\n");
            assertThat(start).as(overlay + " has an images: list").isNotNegative();
            String block = kustomization.substring(start + "\nimages:\n".length()).split("(?m)^\\S")[0];
            Map<String, String> tagged = new LinkedHashMap<>();
            Matcher entry = IMAGE_ENTRY.matcher(block);
            while (entry.find()) {
                String name = entry.group(2) != null ? entry.group(2) : entry.group(1);
                assertThat(entry.group(1)).as(overlay.toString()).isEqualTo(name);
                tagged.put(name, name + ":" + entry.group(3));
            }
            assertThat(block.lines().filter(l -> l.startsWith("  - name: ")).count()).as(overlay + ": unparsed entries")
                    .isEqualTo(tagged.size());
            assertThat(tagged.values()).as(overlay.toString())
                    .containsExactlyInAnyOrderElementsOf(images.modules.keySet().stream().map(images::reference).toList());
        }
    }

    private static List<String> run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return new ArrayList<>(out.lines().toList());
    }
}
