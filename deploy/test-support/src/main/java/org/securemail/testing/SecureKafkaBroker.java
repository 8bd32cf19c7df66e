package org.securemail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.securemail.common.access.KafkaAccess;
import org.securemail.common.topics.Topics;
import org.securemail.embedded.SecureKafka;
import org.securemail.embedded.TopicCreator;

/**
 * A real single-node KRaft broker secured as the cluster is (ADR 0081): SASL_SSL with SCRAM-SHA-512 only, a CA and a
 * broker key made at start, the {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false} and the
 * administrator as the only super user; every topic of {@link Topics#all()} created, and every service's SCRAM user and
 * ACLs created from {@link KafkaAccess} through the admin API. It runs as a child process ({@code kafka.Kafka}, the
 * same way as the local stack) because its storage must be formatted with the administrator's SCRAM credential.
 */
public final class SecureKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final Process process;
    private final SecureKafka security;
    private final String bootstrapServers;

    private SecureKafkaBroker(Path dir, Process process, SecureKafka security, String bootstrapServers) {
        this.dir = dir;
        this.process = process;
        this.security = security;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker, creates the topics, the users and their ACLs. About 10 to 20 s. */
    public static SecureKafkaBroker start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("secure-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SecureKafka security = SecureKafka.in(dir.resolve("security"));
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", dir.resolve("data").toString());
        props.put("auto.create.topics.enable", "false");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("message.max.bytes", Integer.toString(Topics.MAIL_MAX_MESSAGE_BYTES));
        props.put("replica.fetch.max.bytes", Integer.toString(Topics.MAIL_MAX_MESSAGE_BYTES));
        props.putAll(security.brokerProperties("127.0.0.1", port, controllerPort));
        Path config = dir.resolve("server.properties");
        Path log = dir.resolve("kafka.log");
        try {
            StringBuilder text = new StringBuilder();
            props.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            Files.writeString(config, text);
            run(List.of("kafka.tools.StorageTool", "format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", config.toString(),
                    "--add-scram", security.adminScramFormatArgument()), dir.resolve("format.log"));
            Process process = java(List.of("kafka.Kafka", config.toString()))
                    .redirectOutput(log.toFile()).start();
            String bootstrap = "127.0.0.1:" + port;
            SecureKafkaBroker broker = new SecureKafkaBroker(dir, process, security, bootstrap);
            try {
                broker.awaitReady(log);
                TopicCreator.createMissing(broker.clientConfig(KafkaAccess.ADMIN), Topics.all());
                security.applyAccess(bootstrap, KafkaAccess.all());
                return broker;
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the secured Kafka broker (" + log + ")", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client settings of a Kafka user: a service's principal, or {@link KafkaAccess#ADMIN}. */
    public Map<String, Object> clientConfig(String user) {
        return security.clientConfig(bootstrapServers, user);
    }

    /** The environment variables a service of {@code user} is started with (as its Deployment sets them). */
    public Map<String, String> environment(String user) {
        return security.environment(user);
    }

    public SecureKafka security() {
        return security;
    }

    private void awaitReady(Path log) {
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        Map<String, Object> admin = clientConfig(KafkaAccess.ADMIN);
        // one client for the whole wait: its TLS and SCRAM handshakes may take seconds on a loaded machine
        admin.put("request.timeout.ms", 30_000);
        admin.put("default.api.timeout.ms", 30_000);
        admin.put("reconnect.backoff.max.ms", 1_000);
        Exception last = null;
        try (Admin client = Admin.create(admin)) {
            while (System.nanoTime() < end) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the secured broker exited at start: " + tail(log));
                }
                try {
                    client.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        throw new IllegalStateException("the secured broker was not ready in " + START_TIMEOUT + ": " + tail(log), last);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void run(List<String> args, Path log) throws IOException {
        Process p = java(args).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(args.get(0) + " failed: " + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** {@code java -cp <this JVM's class path> <args>}: the broker jars are on the test class path. */
    private static ProcessBuilder java(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left for the OS
        }
    }
}
