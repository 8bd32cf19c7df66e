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

import org.securemail.common.access.KafkaAccess;
import org.securemail.common.access.ServiceAccess;
import org.securemail.embedded.Postgres;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.SecureKafkaBroker;
import org.securemail.testing.ServiceProcess;

/**
 * The four packaged services as separate processes against a real broker and a real PostgreSQL, the way
 * {@code deploy/local/run} runs them, but on free ports.
 */
final class Stack implements AutoCloseable {

    /** Per service; {@code -Dsecuremail.ready-timeout-seconds} lengthens it on a machine that is busy with other builds. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(Long.getLong("securemail.ready-timeout-seconds", 120));
    /**
     * A secured stack's services make TLS and SCRAM handshakes for each of their clients at start (about twenty each),
     * which on a loaded two-core machine takes longer than the plain stack's start (seen: 4 minutes at load average 60).
     */
    static final Duration SECURED_READY_TIMEOUT = Duration.ofSeconds(Math.max(360, READY_TIMEOUT.toSeconds()));

    /** The plain test broker; null in a secured stack ({@link #secureBroker}). */
    final KafkaBroker broker;
    /** The SASL_SSL broker with ACLs of a secured stack (ADR 0081); null otherwise. */
    final SecureKafkaBroker secureBroker;
    private final String bootstrapServers;
    final Postgres postgres;
    final Map<String, ServiceProcess> services = new ConcurrentHashMap<>();
    /** How long a service started from now on may take to be ready (ten JVMs starting at once on two cores take longer). */
    volatile Duration readyTimeout = READY_TIMEOUT;
    /** Environment variables every service started from now on gets (e.g. {@code SECUREMAIL_LOG_JSON}). */
    final Map<String, String> environment = new ConcurrentHashMap<>();
    /** Environment variables of one service, by its name (a secured stack: its own Kafka credentials). */
    final Map<String, Map<String, String>> serviceEnvironment = new ConcurrentHashMap<>();
    private final List<ServiceProcess> started = new CopyOnWriteArrayList<>();

    /** A service to start: its name (log file, key of {@link #services}), module directory and extra config. */
    record Service(String name, String module, Map<String, String> config) {
    }

    private Stack(KafkaBroker broker, Postgres postgres) {
        this.broker = broker;
        this.secureBroker = null;
        this.bootstrapServers = broker.bootstrapServers();
        this.readyTimeout = READY_TIMEOUT;
        this.postgres = postgres;
    }

    private Stack(SecureKafkaBroker broker, Postgres postgres) {
        this.broker = null;
        this.secureBroker = broker;
        this.bootstrapServers = broker.bootstrapServers();
        this.readyTimeout = SECURED_READY_TIMEOUT;
        this.postgres = postgres;
        for (ServiceAccess access : KafkaAccess.all()) {
            serviceEnvironment.put(access.principal(), broker.environment(access.principal()));
        }
    }

    /**
     * The secured broker (SASL_SSL, SCRAM users and ACLs from {@link KafkaAccess}) and PostgreSQL, side by side; each
     * service started under its own name gets its own Kafka credentials as environment variables, as on the cluster.
     */
    static Stack startSecuredInfrastructure() {
        CompletableFuture<SecureKafkaBroker> broker = CompletableFuture.supplyAsync(SecureKafkaBroker::start);
        Postgres postgres;
        try {
            postgres = Postgres.start();
        } catch (RuntimeException e) {
            broker.thenAccept(SecureKafkaBroker::close);
            throw e;
        }
        try {
            return new Stack(broker.join(), postgres);
        } catch (CompletionException e) {
            postgres.close();
            throw e;
        }
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
        config.put("kafka.bootstrap.servers", bootstrapServers);
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", Postgres.USER);
        config.put("quarkus.datasource.password", Postgres.PASSWORD);
        return config;
    }

    ServiceProcess start(String name, String module, Map<String, String> extraConfig) {
        Map<String, String> config = baseConfig();
        config.putAll(extraConfig);
        // -Dsecuremail.images=true: the service's OCI image under podman instead of its jar (ADR 0082)
        Path logs = Path.of("target", "system-tests");
        ServiceProcess service = Images.read(root()).selected(module)
                .map(image -> ServiceProcess.ofImage(name, image, logs, config))
                .orElseGet(() -> ServiceProcess.of(name, jar(module), logs, config));
        environment.forEach(service::environment);
        serviceEnvironment.getOrDefault(name, Map.of()).forEach(service::environment);
        started.add(service);
        services.put(name, service);
        return service.start(readyTimeout);
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
        if (broker != null) {
            broker.close();
        }
        if (secureBroker != null) {
            secureBroker.close();
        }
    }
}
