package org.securemail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) run as a separate JVM process, the way
 * the local stack and Kubernetes run it. For tests that need a real process: kill -9, restart, several services.
 * Each has two HTTP ports, as in production (ADR 0062): the application's, and the management interface's, which
 * serves {@code /q/*} (health, metrics); {@link #get} sends a {@code /q/} path to the latter.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final Path log;
    private final int httpPort;
    private final int managementPort;
    private final Map<String, String> properties;
    private final Map<String, String> environment = new LinkedHashMap<>();
    /** When set, the service runs from this OCI image under podman instead of from {@link #jar} (ADR 0082). */
    private final ServiceImage image;
    private Process process;

    private ServiceProcess(String name, Path jar, ServiceImage image, Path log, int httpPort, int managementPort,
            Map<String, String> properties) {
        this.name = name;
        this.jar = jar;
        this.image = image;
        this.log = log;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.properties = properties;
    }

    /**
     * @param name       used for the log file name
     * @param jar        path to {@code quarkus-run.jar}
     * @param logDir     where {@code <name>.log} is written (appended across restarts)
     * @param properties Quarkus config passed as {@code -D} system properties; {@code quarkus.http.port} and
     *                   {@code quarkus.management.port} are set to free ports unless given, and the DNS service's
     *                   listener ({@code dns.listener.port}, ignored by the other services) to a port of its own choice
     */
    public static ServiceProcess of(String name, Path jar, Path logDir, Map<String, String> properties) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the service first (./mvnw package)");
        }
        return create(name, jar, null, logDir, properties);
    }

    /**
     * The same service run from its OCI image (built by {@code deploy/images/build}) under podman, the way
     * {@code IMAGES=1 deploy/local/run} runs it: host network, read-only root file system, {@code /tmp} a tmpfs, no
     * capabilities. The properties reach it as {@code /app/config/application.properties}, mounted read-only.
     *
     * @param image an image reference, e.g. {@code securemail/dns-service:0.1.0}
     */
    public static ServiceProcess ofImage(String name, String image, Path logDir, Map<String, String> properties) {
        return create(name, null, image, logDir, properties);
    }

    private static ServiceProcess create(String name, Path jar, String image, Path logDir,
            Map<String, String> properties) {
        Map<String, String> props = new LinkedHashMap<>(properties);
        int port = Integer.parseInt(props.computeIfAbsent("quarkus.http.port", k -> Integer.toString(FreePorts.next())));
        int management = Integer.parseInt(props.computeIfAbsent("quarkus.management.port",
                k -> Integer.toString(FreePorts.next())));
        // two DNS services on one machine (a restart test, a scale-out test) must not compete for its default 8053
        props.putIfAbsent("dns.listener.port", "0");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServiceImage container = image == null ? null : ServiceImage.of(image, name + "-" + management);
        return new ServiceProcess(name, jar, container, logDir.resolve(name + ".log"), port, management, props);
    }

    /** An environment variable of the process (on top of the test JVM's), as an operator sets one; before start. */
    public ServiceProcess environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Starts the process and waits until {@code /q/health/ready} answers 200. */
    public ServiceProcess start(Duration readyTimeout) {
        List<String> command;
        if (image != null) {
            command = image.command(log, List.of("-Xmx256m", "-XX:+UseSerialGC"), properties, environment);
        } else {
            command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC"));
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.add("-jar");
            command.add(jar.toString());
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        // a test JVM that is stopped (Ctrl-C, a CI timeout) takes its service processes with it
        Process started = process;
        Runnable reaper = image == null ? started::destroyForcibly : () -> image.remove(started);
        Runtime.getRuntime().addShutdownHook(new Thread(reaper, name + "-reaper"));
        awaitReady(readyTimeout);
        return this;
    }

    private void awaitReady(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (httpStatus("/q/health/ready") == 200) {
                return;
            }
            try {
                // polling interval of a readiness probe, not a synchronisation sleep
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
    }

    /** The HTTP status of a GET on this service, or -1 when it does not answer. */
    public int httpStatus(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A GET on this service: {@code /q/...} on the management port, anything else on the application port. */
    public HttpResponse<String> get(String path) throws IOException {
        return get(path.startsWith("/q/") ? managementPort : httpPort, path);
    }

    /** The HTTP status of a GET on the application port whatever the path (to show what it does not serve), or -1. */
    public int applicationPortStatus(String path) {
        try {
            return get(httpPort, path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public int httpPort() {
        return httpPort;
    }

    public int managementPort() {
        return managementPort;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Kills the process with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill() {
        stop(true);
    }

    /** Stops the process with SIGTERM (graceful shutdown), then SIGKILL after 30 s. */
    @Override
    public void close() {
        stop(false);
    }

    private void stop(boolean forcibly) {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (image != null) {
            // podman passes SIGTERM on to the service; SIGKILL would only kill podman and leave the container
            if (forcibly) {
                image.kill(process);
            } else {
                process.destroy();
            }
            image.awaitExit(process);
            return;
        }
        try {
            if (forcibly) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                return;
            }
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
