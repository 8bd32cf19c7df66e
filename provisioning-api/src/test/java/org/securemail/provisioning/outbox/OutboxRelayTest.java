package org.securemail.provisioning.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.securemail.provisioning.Api.hop;
import static org.securemail.provisioning.Api.operator;
import static org.securemail.provisioning.Api.uniqueDomain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.TopicReader;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The transactional outbox against the real PostgreSQL and the real broker. */
@QuarkusTest
class OutboxRelayTest {

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    OutboxRelay relay;

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    @AfterEach
    void relayRunsAgain() {
        relay.start();
    }

    @Test
    void eventsCommittedWhileTheRelayIsDownArePublishedOnceInOrderAfterRestart() throws Exception {
        String tenant = Api.createTenant("outbox");
        relay.stop();

        String name = uniqueDomain();
        String id = operator().body(Map.of("tenantId", tenant, "name", name, "nextHops", List.of(hop("mx1.example.net"))))
                .post("/api/v1/domains").then().statusCode(201).extract().path("id");
        for (int v = 0; v < 3; v++) {
            operator().body(Map.of("version", v, "inboundEnabled", true, "nextHops", List.of(hop("mx" + (v + 2) + ".example.net")),
                            "recipientListOnly", true, "maxMessageSize", 1000 + v, "outboundAllowed", true))
                    .put("/api/v1/domains/" + id).then().statusCode(200);
        }
        operator().body(Map.of("localPart", "Alice")).post("/api/v1/domains/" + id + "/recipients").then().statusCode(201);
        operator().delete("/api/v1/domains/" + id).then().statusCode(204);

        // committed, not published: the change and its events sit in the outbox
        assertThat(pending(name)).isEqualTo(5);
        assertThat(pending("alice@" + name)).isEqualTo(2);
        assertThat(TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name))).isEmpty();

        relay.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> pending(name) == 0 && pending("alice@" + name) == 0);

        List<ConsumerRecord<String, byte[]>> domainEvents = TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name));
        assertThat(domainEvents).hasSize(5);
        assertThat(domainEvents.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
        List<DomainRecord> states = domainEvents.subList(0, 4).stream().map(r -> read(r, DomainRecord.class)).toList();
        assertThat(states).extracting(DomainRecord::version).containsExactly(0L, 1L, 2L, 3L);
        assertThat(states).extracting(DomainRecord::maxMessageSize).containsExactly(0L, 1000L, 1001L, 1002L);
        assertThat(states.get(3).nextHops().get(0).host()).isEqualTo("mx4.example.net");
        assertThat(states.get(3).tenantId()).isEqualTo(tenant);
        assertThat(states.get(3).policy().spf()).isEqualTo("tag");
        assertThat(domainEvents.get(4).value()).as("tombstone on delete").isNull();

        List<ConsumerRecord<String, byte[]>> recipientEvents =
                TopicReader.readAll(broker, Topics.PROVISIONING_RECIPIENTS, Set.of("alice@" + name));
        assertThat(recipientEvents).hasSize(2);
        assertThat(read(recipientEvents.get(0), RecipientRecord.class))
                .isEqualTo(new RecipientRecord(name, "alice", tenant));
        assertThat(recipientEvents.get(1).value()).isNull();
    }

    @Test
    void smtpUserEventsCarryAVerifiableBcryptHashAndATombstoneOnDelete() throws Exception {
        String tenant = Api.createTenant("outbox-users");
        String username = "relay-" + System.nanoTime() + "@example.org";
        String id = operator().body(Map.of("tenantId", tenant, "username", username, "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(201).extract().path("id");
        operator().delete("/api/v1/smtp-users/" + id).then().statusCode(204);

        await().atMost(Duration.ofSeconds(30)).until(() -> pending(username) == 0);
        List<ConsumerRecord<String, byte[]>> events = TopicReader.readAll(broker, Topics.PROVISIONING_USERS, Set.of(username));
        assertThat(events).hasSize(2);
        SmtpUserRecord user = read(events.get(0), SmtpUserRecord.class);
        assertThat(user.passwordHash()).matches("\\$2[ab]\\$04\\$.{53}");
        assertThat(OpenBSDBCrypt.checkPassword(user.passwordHash(), "correct horse battery".toCharArray())).isTrue();
        assertThat(OpenBSDBCrypt.checkPassword(user.passwordHash(), "wrong".toCharArray())).isFalse();
        assertThat(events.get(1).value()).isNull();
    }

    @Test
    void anInterruptedRoundIsNotPublishedTwice() throws Exception {
        String tenant = Api.createTenant("outbox-interrupted");
        relay.stop();
        String name = uniqueDomain();
        operator().body(Map.of("tenantId", tenant, "name", name, "nextHops", List.of(hop("mx1.example.net"))))
                .post("/api/v1/domains").then().statusCode(201);
        // what a relay that died between send and delete leaves behind: the record in Kafka, the row and the mark
        var row = pool.preparedQuery("SELECT id, payload FROM outbox_event WHERE record_key = $1").execute(Tuple.of(name))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        long id = row.getLong("id");
        int partition = PublishedPositions.partition(name, 3);
        try (var producer = broker.producer()) {
            var record = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.PROVISIONING_DOMAINS, partition, name,
                    row.getString("payload").getBytes(StandardCharsets.UTF_8));
            record.headers().add(PublishedPositions.HEADER, Long.toString(id).getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        pool.preparedQuery("UPDATE outbox_relay SET in_flight_upto = $1 WHERE id = 1").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(10));

        relay.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> pending(name) == 0);
        assertThat(TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name))).hasSize(1);
        // the interrupted round's mark is gone; a later round (other events, e.g. a verification) may hold its own
        Long mark = pool.query("SELECT in_flight_upto FROM outbox_relay").execute().await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong("in_flight_upto");
        assertThat(mark == null || mark > id).as("in_flight_upto %s after the round that covered outbox id %d", mark, id)
                .isTrue();
    }

    private long pending(String key) {
        return pool.preparedQuery("SELECT count(*) AS n FROM outbox_event WHERE record_key = $1 AND topic <> $2")
                .execute(Tuple.of(key, Topics.PROVISIONING_DOMAIN_VERIFICATIONS)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong("n");
    }

    private <T> T read(ConsumerRecord<String, byte[]> record, Class<T> type) {
        try {
            return json.readValue(new String(record.value(), StandardCharsets.UTF_8), type);
        } catch (Exception e) {
            throw new AssertionError("unreadable record " + record, e);
        }
    }
}
