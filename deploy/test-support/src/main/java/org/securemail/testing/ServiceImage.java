package org.securemail.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * How {@link ServiceProcess} runs a service from its OCI image: {@code podman run} in the foreground with the flags
 * {@code IMAGES=1 deploy/local/run} uses (runc, host network, read-only root file system, a tmpfs on {@code /tmp}, no
 * capabilities, limits no higher than this machine's; docs/images.md). The service's properties are a file mounted
 * read-only as {@code /app/config/application.properties}; JVM options go in {@code JDK_JAVA_OPTIONS}, which the
 * java launcher reads itself (the image has no shell).
 */
final class ServiceImage {

    private static final long STOP_SECONDS = 30;

    private final String reference;
    private final String container;

    private ServiceImage(String reference, String container) {
        this.reference = reference;
        this.container = container;
    }

    /** @throws IllegalStateException when podman or the image is missing, saying how to build it */
    static ServiceImage of(String reference, String id) {
        if (podman(List.of("image", "exists", reference)) != 0) {
            throw new IllegalStateException("image " + reference + " is missing (or podman is): build it with"
                    + " deploy/images/build");
        }
        return new ServiceImage(reference, "securemail-test-" + id);
    }

    List<String> command(Path log, List<String> jvmOptions, Map<String, String> properties,
            Map<String, String> environment) {
        Path config = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.log$", "") + ".properties");
        Properties file = new Properties();
        file.putAll(properties);
        try (OutputStream out = Files.newOutputStream(config)) {
            file.store(out, "written by ServiceProcess for " + reference);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String nofile = Long.toString(openFileLimit());
        List<String> command = new ArrayList<>(List.of("podman", "run", "--rm", "--replace", "--name", container,
                "--label", "securemail.test=" + container, "--runtime", "runc", "--network", "host",
                "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,size=256m,mode=1777",
                "--ulimit", "nofile=" + nofile + ":" + nofile, "--ulimit", "nproc=4096:4096",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "-v", config.toAbsolutePath() + ":/app/config/application.properties:ro",
                "-e", "JDK_JAVA_OPTIONS=" + String.join(" ", jvmOptions)));
        environment.forEach((key, value) -> {
            command.add("-e");
            command.add(key + "=" + value);
        });
        command.add(reference);
        return command;
    }

    /** SIGKILL to the service inside (a crash), not to podman. */
    void kill(Process podman) {
        podman(List.of("kill", "--signal", "KILL", container));
    }

    /** Waits until podman exits with the service; a container still there after that is removed by force. */
    void awaitExit(Process podman) {
        try {
            if (!podman.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                remove(podman);
                podman.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The container goes whatever state it is in (a test JVM that stops takes its containers with it). */
    void remove(Process podman) {
        if (podman.isAlive()) {
            podman(List.of("rm", "--force", "--time", "0", container));
        }
    }

    private static long openFileLimit() {
        // the container may not have more than this process has (raising a limit is not permitted here)
        try {
            Process ulimit = new ProcessBuilder("sh", "-c", "ulimit -n").redirectErrorStream(true).start();
            String out = new String(ulimit.getInputStream().readAllBytes()).strip();
            return ulimit.waitFor() == 0 && out.matches("\\d+") ? Math.min(Long.parseLong(out), 65536) : 4096;
        } catch (IOException e) {
            return 4096;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 4096;
        }
    }

    private static int podman(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
