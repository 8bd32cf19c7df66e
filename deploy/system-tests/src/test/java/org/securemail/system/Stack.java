package org.securemail.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.securemail.embedded.Postgres;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.ServiceProcess;

/**
 * The four packaged services as separate processes against a real broker and a real PostgreSQL, the way
 * {@code deploy/local/run} runs them, but on free ports.
 */
final class Stack implements AutoCloseable {

    /** How long a service may take to report ready; {@code -Dstack.ready-seconds} on a loaded machine. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(Long.getLong("stack.ready-seconds", 120));

    final KafkaBroker broker;
    final Postgres postgres;
    final Map<String, ServiceProcess> services = new ConcurrentHashMap<>();
    /** Environment variables every service started from now on gets (e.g. {@code SECUREMAIL_LOG_JSON}). */
    final Map<String, String> environment = new ConcurrentHashMap<>();
    private final List<ServiceProcess> started = new CopyOnWriteArrayList<>();

    /** A service to start: its name (log file, key of {@link #services}), module directory and extra config. */
    record Service(String name, String module, Map<String, String> config) {
    }

    private Stack(KafkaBroker broker, Postgres postgres) {
        this.broker = broker;
        this.postgres = postgres;
    }

    static Stack startInfrastructure() {
        KafkaBroker broker = KafkaBroker.start();
        return new Stack(broker, Postgres.start());
    }

    /** The broker and PostgreSQL started side by side (each takes several seconds on a loaded machine). */
    static Stack startInfrastructureConcurrently() {
        CompletableFuture<KafkaBroker> broker = CompletableFuture.supplyAsync(KafkaBroker::start);
        Postgres postgres;
        try {
            postgres = Postgres.start();
        } catch (RuntimeException e) {
            broker.thenAccept(KafkaBroker::close);
            throw e;
        }
        try {
            return new Stack(broker.join(), postgres);
        } catch (CompletionException e) {
            postgres.close();
            throw e;
        }
    }

    static Path root() {
        return Path.of(System.getProperty("securemail.root", "../.."));
    }

    static Path jar(String module) {
        return root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** Config every service gets: the broker, and for the provisioning API the database. */
    Map<String, String> baseConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", Postgres.USER);
        config.put("quarkus.datasource.password", Postgres.PASSWORD);
        return config;
    }

    ServiceProcess start(String name, String module, Map<String, String> extraConfig) {
        Map<String, String> config = baseConfig();
        config.putAll(extraConfig);
        ServiceProcess service = ServiceProcess.of(name, jar(module), Path.of("target", "system-tests"), config);
        environment.forEach(service::environment);
        started.add(service);
        services.put(name, service);
        return service.start(READY_TIMEOUT);
    }

    /**
     * Starts the services side by side and waits until every one is ready (none of them needs another one to be
     * up: they meet through the broker). The first failure is rethrown; what started is stopped by {@link #close}.
     */
    void startAll(List<Service> toStart) {
        ExecutorService starters = Executors.newFixedThreadPool(toStart.size());
        try {
            List<CompletableFuture<ServiceProcess>> starting = toStart.stream()
                    .map(s -> CompletableFuture.supplyAsync(() -> start(s.name(), s.module(), s.config()), starters))
                    .toList();
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } finally {
            starters.shutdown();
        }
    }

    @Override
    public void close() {
        // SIGTERM to every service at once; each waits for its own graceful shutdown
        List<ServiceProcess> running = new ArrayList<>(started);
        CompletableFuture.allOf(running.stream().map(service -> CompletableFuture.runAsync(service::close))
                .toArray(CompletableFuture[]::new)).join();
        postgres.close();
        broker.close();
    }
}
