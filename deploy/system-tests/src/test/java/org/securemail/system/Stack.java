package org.securemail.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.securemail.testing.KafkaBroker;
import org.securemail.testing.Postgres;
import org.securemail.testing.ServiceProcess;

/**
 * The four packaged services as separate processes against a real broker and a real PostgreSQL, the way
 * {@code deploy/local/run} runs them, but on free ports.
 */
final class Stack implements AutoCloseable {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    final KafkaBroker broker;
    final Postgres postgres;
    final Map<String, ServiceProcess> services = new HashMap<>();
    private final List<ServiceProcess> started = new ArrayList<>();

    private Stack(KafkaBroker broker, Postgres postgres) {
        this.broker = broker;
        this.postgres = postgres;
    }

    static Stack startInfrastructure() {
        KafkaBroker broker = KafkaBroker.start();
        return new Stack(broker, Postgres.start());
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
        started.add(service);
        services.put(name, service);
        return service.start(READY_TIMEOUT);
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        postgres.close();
        broker.close();
    }
}
