package org.securemail.provisioning.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.queue.OperatorAction;
import org.securemail.common.queue.QueueCommand;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.TopicReader;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * {@code /api/v1/queue} against the real PostgreSQL and broker: what waits is read from tracking (fed through
 * {@code delivery.events}), commands land on {@code delivery.control} and the audit trail on {@code operator.actions}
 * and in the API; dead letters are listed and replayed onto their source topic, where tracking then processes them.
 * What the delivery replicas do with the commands: {@code QueueControlTest} in delivery-service.
 */
@QuarkusTest
class QueueOperationsTest {

    private static final String PATH = "/api/v1/queue";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    String tenant;
    Instant t0;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("queue-ops");
        t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void mailDeferredForADeadDestinationIsListedByDomainNextHopAndTenant() throws Exception {
        String dead = Api.uniqueDomain();
        String id = queueId();
        String other = queueId();
        accepted(id, "alice@a.example", List.of("bob@" + dead, "carol@c.example"));
        accepted(other, "alice@a.example", List.of("dave@elsewhere.example"));
        delivery(new DeliveryEvent(id, "bob@" + dead, 1, Outcome.DEFERRED, null,
                "451 4.4.3 DNS lookup of " + dead + " failed", t0.plusSeconds(30), t0.plusSeconds(1)));
        delivery(new DeliveryEvent(id, "bob@" + dead, 2, Outcome.DEFERRED, "mx1." + dead + "[192.0.2.25]:25",
                "451 4.4.1 connection refused", t0.plusSeconds(600), t0.plusSeconds(40)));
        delivery(new DeliveryEvent(id, "carol@c.example", 1, Outcome.DELIVERED, "mx.c.example[192.0.2.3]:25",
                "250 2.0.0 ok", null, t0.plusSeconds(1)));
        delivery(new DeliveryEvent(other, "dave@elsewhere.example", 1, Outcome.DEFERRED, "mx.elsewhere.example[192.0.2.9]:25",
                "451 4.7.1 greylisted", t0.plusSeconds(300), t0.plusSeconds(1)));

        // the attempts and their message are tracked by two consumers in either order: the tenant comes with the message
        await().atMost(WAIT).untilAsserted(() -> Api.operator().queryParam("domain", dead.toUpperCase()).get(PATH)
                .then().statusCode(200).body("items", hasSize(1))
                .body("items[0].attempts", equalTo(2)).body("items[0].tenantId", equalTo(tenant)));
        Api.operator().queryParam("domain", dead).get(PATH).then().statusCode(200)
                .body("items[0].queueId", equalTo(id))
                .body("items[0].recipient", equalTo("bob@" + dead))
                .body("items[0].domain", equalTo(dead))
                .body("items[0].tenantId", equalTo(tenant))
                .body("items[0].reason", equalTo("451 4.4.1 connection refused"))
                .body("items[0].nextHop", equalTo("mx1." + dead))
                .body("items[0].nextAttemptAt", equalTo(t0.plusSeconds(600).toString()))
                .body("items[0].held", equalTo(false))
                .body("items[0].ageSeconds", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
        Api.operator().queryParam("nextHop", "MX1." + dead).get(PATH).then().statusCode(200)
                .body("items.queueId", contains(id));
        await().atMost(WAIT).untilAsserted(() -> Api.operator().queryParam("tenantId", tenant).get(PATH).then()
                .statusCode(200).body("items.queueId", containsInAnyOrder(id, other)));
        // one a page, then the next page with the cursor
        String cursor = Api.operator().queryParam("tenantId", tenant).queryParam("limit", 1).get(PATH).then()
                .statusCode(200).body("items", hasSize(1)).extract().path("nextCursor");
        Api.operator().queryParam("tenantId", tenant).queryParam("limit", 1).queryParam("cursor", cursor).get(PATH)
                .then().statusCode(200).body("items", hasSize(1)).body("nextCursor", equalTo(null));
    }

    @Test
    void holdReleaseDeleteAndRetryAreCommandsToDeliveryAndAuditedWithTheOperator() throws Exception {
        String dead = Api.uniqueDomain();
        String id = queueId();
        accepted(id, "alice@a.example", List.of("bob@" + dead));
        delivery(new DeliveryEvent(id, "bob@" + dead, 1, Outcome.DEFERRED, "mx." + dead + "[192.0.2.25]:25",
                "421 4.4.2 timeout", t0.plusSeconds(300), t0.plusSeconds(1)));
        await().atMost(WAIT).untilAsserted(() -> Api.operator().queryParam("domain", dead).get(PATH).then()
                .statusCode(200).body("items", hasSize(1)));

        String operatorKey = Api.operator().body(Map.of("role", "OPERATOR", "description", "night shift"))
                .post("/api/v1/api-keys").then().statusCode(201).extract().path("key");
        String keyId = Api.operator().get("/api/v1/api-keys").then().statusCode(200).extract()
                .path("items.find { it.description == 'night shift' }.id");

        String holdId = Api.as(operatorKey).body(Map.of("reason", "customer asked to stop it")).post(PATH
                + "/messages/" + id + "/hold").then().statusCode(202)
                .body("action", equalTo("HOLD")).body("target", equalTo(id))
                .body("operator", equalTo("api-key:" + keyId)).body("reason", equalTo("customer asked to stop it"))
                .extract().path("id");
        Api.operator().queryParam("domain", dead).get(PATH).then().statusCode(200).body("items[0].held", equalTo(true));
        problem(Api.operator().body(Map.of("reason", "again")).post(PATH + "/messages/" + id + "/hold"), 409);
        Api.operator().body(Map.of("reason", "customer agreed")).post(PATH + "/messages/" + id + "/release").then()
                .statusCode(202).body("action", equalTo("RELEASE")).body("operator", equalTo("bootstrap"));
        problem(Api.operator().body(Map.of("reason", "again")).post(PATH + "/messages/" + id + "/release"), 409);
        Api.operator().body(Map.of("reason", "the zone " + dead + " is back")).post(PATH + "/destinations/"
                + dead.toUpperCase() + "./retry").then().statusCode(202)
                .body("action", equalTo("RETRY_DESTINATION")).body("target", equalTo(dead));
        Api.operator().body(Map.of("reason", "spam run from a compromised account")).post(PATH + "/messages/" + id
                + "/delete").then().statusCode(202).body("action", equalTo("DELETE"));
        problem(Api.operator().body(Map.of("reason", "again")).post(PATH + "/messages/" + id + "/delete"), 409);

        // the commands every delivery replica reads
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(broker, Topics.DELIVERY_CONTROL,
                    Set.of("hold/" + id, "delete/" + id, "retry/" + dead));
            assertThat(records).hasSize(4);
            List<QueueCommand> commands = records.stream().map(r -> read(r.value(), QueueCommand.class)).toList();
            assertThat(commands).extracting(QueueCommand::kind).containsExactlyInAnyOrder(QueueCommand.Kind.HOLD,
                    QueueCommand.Kind.RELEASE, QueueCommand.Kind.RETRY_DESTINATION, QueueCommand.Kind.DELETE);
            QueueCommand hold = commands.stream().filter(c -> c.kind() == QueueCommand.Kind.HOLD).findFirst().get();
            assertThat(hold.actionId()).isEqualTo(holdId);
            assertThat(hold.operator()).isEqualTo("api-key:" + keyId);
            assertThat(hold.at()).isNotNull();
        });
        // the audit trail, on its topic and in the API
        await().atMost(WAIT).untilAsserted(() -> {
            List<OperatorAction> audit = TopicReader.readAll(broker, Topics.OPERATOR_ACTIONS, null).stream()
                    .map(r -> read(r.value(), OperatorAction.class))
                    .filter(a -> a.target().equals(id) || a.target().equals(dead)).toList();
            assertThat(audit).extracting(OperatorAction::action).containsExactlyInAnyOrder(
                    OperatorAction.Action.HOLD, OperatorAction.Action.RELEASE, OperatorAction.Action.RETRY_DESTINATION,
                    OperatorAction.Action.DELETE);
            assertThat(audit).allSatisfy(a -> assertThat(a.reason()).isNotBlank());
        });
        Api.operator().queryParam("target", id).get(PATH + "/actions").then().statusCode(200)
                .body("items.action", contains("DELETE", "RELEASE", "HOLD"))
                .body("items.operator", contains("bootstrap", "bootstrap", "api-key:" + keyId));
    }

    @Test
    void aDeadLetterIsListedWithItsReasonReplayedOntoItsSourceOnceAndThenProcessed() throws Exception {
        String id = queueId();
        accepted(id, "alice@a.example", List.of("bob@b.example"));
        DeliveryEvent event = new DeliveryEvent(id, "bob@b.example", 1, Outcome.DELIVERED, "mx.b.example[192.0.2.2]:25",
                "250 2.0.0 ok", null, t0.plusSeconds(1));
        String dlq = Topics.dlq(Topics.DELIVERY_EVENTS);
        RecordMetadata dead;
        try (KafkaProducer<String, byte[]> producer = broker.producer()) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(dlq, id, json.writeValueAsBytes(event));
            record.headers().add("dead-letter-reason", "database unavailable".getBytes(StandardCharsets.UTF_8));
            record.headers().add("dead-letter-topic", Topics.DELIVERY_EVENTS.getBytes(StandardCharsets.UTF_8));
            record.headers().add("dead-letter-partition", "2".getBytes(StandardCharsets.UTF_8));
            record.headers().add("dead-letter-offset", "4711".getBytes(StandardCharsets.UTF_8));
            record.headers().add("sm-trace", "kept".getBytes(StandardCharsets.UTF_8));
            dead = producer.send(record).get(10, TimeUnit.SECONDS);
        }
        Api.operator().get(PATH + "/dead-letters").then().statusCode(200)
                .body("items.topic", hasItem(dlq)).body("items.find { it.topic == '" + dlq + "' }.sourceTopic",
                        equalTo(Topics.DELIVERY_EVENTS));
        String records = PATH + "/dead-letters/" + dlq + "/partitions/" + dead.partition();
        Api.operator().queryParam("offset", dead.offset()).queryParam("limit", 1).get(records).then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].key", equalTo(id))
                .body("items[0].reason", equalTo("database unavailable"))
                .body("items[0].sourceTopic", equalTo(Topics.DELIVERY_EVENTS))
                .body("items[0].sourcePartition", equalTo(2))
                .body("items[0].sourceOffset", equalTo(4711))
                .body("items[0].valuePreview", containsString("\"queueId\":\"" + id + "\""))
                .body("items[0].replayed", equalTo(false));
        // not tracked yet: the event is only on the dead-letter topic
        await().atMost(WAIT).untilAsserted(() -> Api.operator().get("/api/v1/messages/" + id).then().statusCode(200)
                .body("recipients[0].status", equalTo("QUEUED")));

        String replay = records + "/offsets/" + dead.offset() + "/replay";
        Api.operator().body(Map.of("reason", "database is back")).post(replay).then().statusCode(202)
                .body("action", equalTo("REPLAY_DEAD_LETTER"))
                .body("target", equalTo(dlq + "/" + dead.partition() + "/" + dead.offset()))
                .body("detail", startsWith("replayed onto " + Topics.DELIVERY_EVENTS + " partition "));
        await().atMost(WAIT).untilAsserted(() -> Api.operator().get("/api/v1/messages/" + id).then().statusCode(200)
                .body("recipients[0].status", equalTo("DELIVERED")));
        // the copy on the source topic has the record's own headers, not the dead-letter ones
        ConsumerRecord<String, byte[]> copy = TopicReader.readAll(broker, Topics.DELIVERY_EVENTS, Set.of(id)).get(0);
        assertThat(copy.headers().lastHeader("sm-trace")).isNotNull();
        assertThat(copy.headers().lastHeader("dead-letter-reason")).isNull();
        problem(Api.operator().body(Map.of("reason", "again")).post(replay), 409);
        Api.operator().queryParam("offset", dead.offset()).queryParam("limit", 1).get(records).then().statusCode(200)
                .body("items[0].replayed", equalTo(true));
    }

    @Test
    void aTenantKeyIsRefusedEveryQueueOperation() {
        String key = Api.tenantKey(tenant);
        Map<String, Object> reason = Map.of("reason", "mine");
        problem(Api.as(key).get(PATH), 403);
        problem(Api.as(key).get(PATH + "/actions"), 403);
        problem(Api.as(key).get(PATH + "/dead-letters"), 403);
        problem(Api.as(key).get(PATH + "/dead-letters/mail.ready.dlq/partitions/0"), 403);
        problem(Api.as(key).body(reason).post(PATH + "/destinations/example.net/retry"), 403);
        problem(Api.as(key).body(reason).post(PATH + "/messages/ABC123/hold"), 403);
        problem(Api.as(key).body(reason).post(PATH + "/messages/ABC123/release"), 403);
        problem(Api.as(key).body(reason).post(PATH + "/messages/ABC123/delete"), 403);
        problem(Api.as(key).body(reason).post(PATH + "/dead-letters/mail.ready.dlq/partitions/0/offsets/0/replay"), 403);
        problem(io.restassured.RestAssured.given().get(PATH), 401);
    }

    @Test
    void hostileInputIsRefusedWithAProblem() {
        Map<String, Object> reason = Map.of("reason", "test");
        problem(Api.operator().queryParam("limit", 1_000_000).get(PATH), 400);
        problem(Api.operator().queryParam("limit", 0).get(PATH), 400);
        problem(Api.operator().queryParam("cursor", "not-a-cursor").get(PATH), 400);
        problem(Api.operator().queryParam("cursor", "x".repeat(1500)).get(PATH), 400);
        problem(Api.operator().queryParam("domain", "not a domain").get(PATH), 400);
        problem(Api.operator().queryParam("nextHop", "a".repeat(300) + ".example").get(PATH), 400);
        problem(Api.operator().queryParam("limit", 1_000_000).get(PATH + "/actions"), 400);
        problem(Api.operator().queryParam("target", "t".repeat(401)).get(PATH + "/actions"), 400);
        problem(Api.operator().queryParam("cursor", "bm90IGEgY3Vyc29y").get(PATH + "/actions"), 400);
        // bad ids
        problem(Api.operator().body(reason).post(PATH + "/messages/" + "A".repeat(65) + "/hold"), 400);
        problem(Api.operator().body(reason).post(PATH + "/messages/a%20b/hold"), 400);
        problem(Api.operator().body(reason).post(PATH + "/messages/NOSUCHMESSAGE1/hold"), 404);
        problem(Api.operator().body(reason).post(PATH + "/messages/NOSUCHMESSAGE1/delete"), 404);
        problem(Api.operator().body(reason).post(PATH + "/destinations/localhost/retry"), 400);
        problem(Api.operator().body(reason).post(PATH + "/destinations/exa_mple..net/retry"), 400);
        // reasons
        problem(Api.operator().body(Map.of()).post(PATH + "/destinations/example.net/retry"), 400);
        problem(Api.operator().body(Map.of("reason", " ")).post(PATH + "/destinations/example.net/retry"), 400);
        problem(Api.operator().body(Map.of("reason", "r".repeat(501))).post(PATH + "/destinations/example.net/retry"), 400);
        problem(Api.operator().body(Map.of("reason", "line\r\nbreak")).post(PATH + "/destinations/example.net/retry"), 400);
        problem(Api.operator().body(Map.of("reason", "x", "target", "mail.ready")).post(PATH
                + "/destinations/example.net/retry"), 400);
        // dead letters: only the dead-letter topics, their partitions, bounded pages
        String dlq = Topics.dlq(Topics.MAIL_READY);
        problem(Api.operator().get(PATH + "/dead-letters/" + Topics.MAIL_READY + "/partitions/0"), 404);
        problem(Api.operator().get(PATH + "/dead-letters/no.such.dlq/partitions/0"), 404);
        problem(Api.operator().get(PATH + "/dead-letters/" + dlq + "/partitions/7"), 404);
        problem(Api.operator().get(PATH + "/dead-letters/" + dlq + "/partitions/-1"), 400);
        problem(Api.operator().queryParam("offset", -5).get(PATH + "/dead-letters/" + dlq + "/partitions/0"), 400);
        problem(Api.operator().queryParam("limit", 21).get(PATH + "/dead-letters/" + dlq + "/partitions/0"), 400);
        problem(Api.operator().queryParam("limit", 100000).get(PATH + "/dead-letters/" + dlq + "/partitions/0"), 400);
        problem(Api.operator().body(reason).post(PATH + "/dead-letters/" + Topics.MAIL_READY
                + "/partitions/0/offsets/0/replay"), 404);
        problem(Api.operator().body(reason).post(PATH + "/dead-letters/" + Topics.DELIVERY_STATE
                + "/partitions/0/offsets/0/replay"), 404);
        problem(Api.operator().body(reason).post(PATH + "/dead-letters/" + dlq
                + "/partitions/0/offsets/999999999/replay"), 404);
        problem(Api.operator().body(reason).post(PATH + "/dead-letters/" + dlq
                + "/partitions/0/offsets/-1/replay"), 400);
        problem(Api.operator().body(reason).post(PATH + "/dead-letters/" + dlq
                + "/partitions/0/offsets/abc/replay"), 404);
    }

    private static ValidatableResponse problem(io.restassured.response.Response response, int status) {
        return response.then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status)).body("detail", not(containsString("Exception")));
    }

    private <T> T read(byte[] value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void accepted(String id, String sender, List<String> recipients) throws Exception {
        MailEnvelope env = new MailEnvelope(id, sender, recipients, "192.0.2.1", "client.example", "TLSv1.3", sender,
                tenant, Direction.OUTBOUND, t0, 1234);
        broker.send(Topics.MAIL_ACCEPTED, id, "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.ENVELOPE, json.writeValueAsBytes(env)));
    }

    private void delivery(DeliveryEvent event) throws Exception {
        broker.send(Topics.DELIVERY_EVENTS, event.queueId(), json.writeValueAsBytes(event), Map.of());
    }

    private static String queueId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }
}
