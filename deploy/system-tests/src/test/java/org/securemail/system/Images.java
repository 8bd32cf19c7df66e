package org.securemail.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The service images as {@code deploy/images/images.env} names them (the source of truth of
 * {@code deploy/images/build} and of the Kustomize overlays' {@code images:}), and the switch that makes {@link Stack}
 * run the services from them: {@code -Dsecuremail.images=true} (the release tag) or {@code -Dsecuremail.images=<tag>}.
 */
final class Images {

    static final String SWITCH = "securemail.images";

    final String prefix;
    final String version;
    /** service name to its module directory, in build order */
    final Map<String, String> modules;

    private Images(String prefix, String version, Map<String, String> modules) {
        this.prefix = prefix;
        this.version = version;
        this.modules = modules;
    }

    static Images read(Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve("deploy/images/images.env"))) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> modules = new LinkedHashMap<>();
        for (String entry : env.get("IMAGE_SERVICES").trim().split("\\s+")) {
            String[] parts = entry.split(":", 2);
            modules.put(parts[0], parts[1]);
        }
        return new Images(env.get("IMAGE_PREFIX"), env.get("IMAGE_VERSION"), modules);
    }

    /** {@code <prefix>/<service>:<version>}: what the overlays name. */
    String reference(String service) {
        return reference(service, version);
    }

    String reference(String service, String tag) {
        return prefix + "/" + service + ":" + tag;
    }

    /** The image of the service packaged in this module, with the tag the switch asks for, when it is on. */
    Optional<String> selected(String module) {
        String tag = System.getProperty(SWITCH, "");
        if (tag.isBlank() || tag.equals("false")) {
            return Optional.empty();
        }
        String service = modules.entrySet().stream().filter(e -> e.getValue().equals(module)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no image for module " + module));
        return Optional.of(reference(service, tag.equals("true") ? version : tag));
    }
}
