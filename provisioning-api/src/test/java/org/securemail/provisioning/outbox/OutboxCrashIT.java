package org.securemail.provisioning.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.topics.Topics;
import org.securemail.embedded.Postgres;
import org.securemail.provisioning.TopicReader;
import org.securemail.testing.FreePorts;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.ServiceProcess;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The packaged API as a real process, killed with SIGKILL: committed changes survive in the outbox and are published
 * after the restart, in order per key, none lost.
 */
class OutboxCrashIT {

    private static final String KEY = "crash-test-operator-key-0123456789";
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    static KafkaBroker broker;
    static Postgres postgres;

    @BeforeAll
    static void backends() {
        broker = KafkaBroker.start();
        postgres = Postgres.start();
    }

    @AfterAll
    static void stopBackends() {
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void changesCommittedBeforeAKillArePublishedExactlyOnceAfterRestart() throws Exception {
        String domain;
        String username;
        try (ServiceProcess api = api("api-relay-off", false, 200)) {
            String tenant = as(api).body(Map.of("name", "crash")).post("/api/v1/tenants").then().statusCode(201)
                    .extract().path("id");
            domain = "crash-" + System.nanoTime() + ".example";
            String id = as(api).body(Map.of("tenantId", tenant, "name", domain, "nextHops", List.of(hop())))
                    .post("/api/v1/domains").then().statusCode(201).extract().path("id");
            for (int v = 0; v < 2; v++) {
                as(api).body(Map.of("version", v, "inboundEnabled", true, "nextHops", List.of(hop()),
                                "recipientListOnly", false, "maxMessageSize", 100 + v, "outboundAllowed", true))
                        .put("/api/v1/domains/" + id).then().statusCode(200);
            }
            username = "crash" + System.nanoTime();
            String user = as(api).body(Map.of("tenantId", tenant, "username", username, "password", "correct horse battery"))
                    .post("/api/v1/smtp-users").then().statusCode(201).extract().path("id");
            as(api).delete("/api/v1/smtp-users/" + user).then().statusCode(204);
            api.kill();
        }
        assertThat(outboxRows(domain)).isEqualTo(3);
        assertThat(outboxRows(username)).isEqualTo(2);
        assertThat(TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(domain))).isEmpty();

        try (ServiceProcess api = api("api-relay-on", true, 200)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> outboxRows(domain) + outboxRows(username) == 0);
        }
        List<ConsumerRecord<String, byte[]>> domains = TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(domain));
        assertThat(domains).extracting(r -> read(r).version()).containsExactly(0L, 1L, 2L);
        assertThat(read(domains.get(2)).maxMessageSize()).isEqualTo(101L);
        List<ConsumerRecord<String, byte[]>> users = TopicReader.readAll(broker, Topics.PROVISIONING_USERS, Set.of(username));
        assertThat(users).hasSize(2);
        assertThat(users.get(1).value()).isNull();
    }

    @Test
    void aRelayKilledWhilePublishingPublishesEachEventExactlyOnceInOrder() throws Exception {
        int domains = 50;
        Set<String> names = new HashSet<>();
        try (ServiceProcess api = api("api-many", false, 200)) {
            String tenant = as(api).body(Map.of("name", "crash-many")).post("/api/v1/tenants").then().statusCode(201)
                    .extract().path("id");
            String run = Long.toString(System.nanoTime(), 36);
            for (int i = 0; i < domains; i++) {
                String name = "m" + i + "-" + run + ".example";
                names.add(name);
                String id = as(api).body(Map.of("tenantId", tenant, "name", name, "nextHops", List.of(hop())))
                        .post("/api/v1/domains").then().statusCode(201).extract().path("id");
                as(api).body(Map.of("version", 0, "inboundEnabled", true, "nextHops", List.of(hop()),
                                "recipientListOnly", true, "maxMessageSize", i, "outboundAllowed", true))
                        .put("/api/v1/domains/" + id).then().statusCode(200);
            }
            api.kill();
        }
        long before = outboxRows(names);
        assertThat(before).isEqualTo(2L * domains);

        // small batches, and the kill aimed at a moment when a batch is sent but not yet deleted
        try (ServiceProcess api = api("api-killed-while-publishing", true, 5);
                Connection db = DriverManager.getConnection(postgres.jdbcUrl(), Postgres.USER, Postgres.PASSWORD)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> inFlight(db) != null);
            api.kill();
        }
        long left = outboxRows(names);
        Long inFlight;
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), Postgres.USER, Postgres.PASSWORD)) {
            inFlight = inFlight(db);
        }
        System.out.printf("killed with %d of %d events still in the outbox, batch in flight up to id %s%n",
                left, before, inFlight);
        try (ServiceProcess api = api("api-after-kill", true, 200)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> outboxRows(names) == 0);
        }

        Map<String, List<Long>> versions = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, names)) {
            versions.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(read(r).version());
        }
        assertThat(versions.keySet()).containsExactlyInAnyOrderElementsOf(names);
        for (Map.Entry<String, List<Long>> e : versions.entrySet()) {
            assertThat(e.getValue()).as("versions of %s in log order", e.getKey()).containsExactly(0L, 1L);
        }
    }

    @Test
    void theApiStaysReadyAndAcceptsChangesWhileKafkaIsDown() throws Exception {
        String deadBroker = "127.0.0.1:" + FreePorts.next();
        String domain = "kafka-down-" + System.nanoTime() + ".example";
        try (ServiceProcess api = api("api-kafka-down", true, 200, deadBroker)) {
            assertThat(api.httpStatus("/q/health/ready")).isEqualTo(200);
            String tenant = as(api).body(Map.of("name", "kafka-down")).post("/api/v1/tenants").then().statusCode(201)
                    .extract().path("id");
            as(api).body(Map.of("tenantId", tenant, "name", domain, "nextHops", List.of(hop())))
                    .post("/api/v1/domains").then().statusCode(201);
            await().atMost(Duration.ofSeconds(60)).until(() -> metric(api, "provisioning_outbox_failures_total") >= 1
                    && metric(api, "provisioning_outbox_backlog") >= 1);
            assertThat(api.httpStatus("/q/health/ready")).isEqualTo(200);
            assertThat(outboxRows(domain)).isEqualTo(1);
        }
        try (ServiceProcess api = api("api-kafka-back", true, 200)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> outboxRows(domain) == 0);
        }
        assertThat(TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(domain)))
                .extracting(r -> read(r).name()).containsExactly(domain);
    }

    private static double metric(ServiceProcess api, String name) throws Exception {
        for (String line : api.get("/q/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private static ServiceProcess api(String name, boolean relay, int batchSize) {
        return api(name, relay, batchSize, broker.bootstrapServers());
    }

    private static ServiceProcess api(String name, boolean relay, int batchSize, String bootstrap) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("provisioning.outbox.delivery-timeout", "3s");
        props.put("provisioning.outbox.retry-backoff", "500ms");
        props.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        props.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        props.put("quarkus.datasource.username", Postgres.USER);
        props.put("quarkus.datasource.password", Postgres.PASSWORD);
        props.put("provisioning.bootstrap-operator-key", KEY);
        props.put("provisioning.bcrypt-cost", "4");
        props.put("provisioning.outbox.enabled", Boolean.toString(relay));
        props.put("provisioning.outbox.batch-size", Integer.toString(batchSize));
        return ServiceProcess.of(name, JAR, Path.of("target", "it-logs"), props).start(Duration.ofSeconds(90));
    }

    private static RequestSpecification as(ServiceProcess api) {
        return given().port(api.httpPort()).header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON);
    }

    private static Map<String, Object> hop() {
        return Map.of("host", "mx.crash.example", "port", 25, "preference", 10);
    }

    private static long outboxRows(String key) throws SQLException {
        return outboxRows(Set.of(key));
    }

    private static long outboxRows(Set<String> keys) throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), Postgres.USER, Postgres.PASSWORD);
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM outbox_event WHERE record_key = ANY(?)"
                        + " AND topic <> '" + Topics.PROVISIONING_DOMAIN_VERIFICATIONS + "'")) {
            s.setArray(1, c.createArrayOf("varchar", keys.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Long inFlight(Connection db) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT in_flight_upto FROM outbox_relay WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        }
    }

    private static DomainRecord read(ConsumerRecord<String, byte[]> r) {
        try {
            return JSON.readValue(new String(r.value(), StandardCharsets.UTF_8), DomainRecord.class);
        } catch (Exception e) {
            throw new AssertionError("unreadable " + r, e);
        }
    }
}
