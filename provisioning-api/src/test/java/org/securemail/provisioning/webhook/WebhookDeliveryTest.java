package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.TopicReader;
import org.securemail.provisioning.testing.FakeDnsProducer;
import org.securemail.provisioning.webhook.WebhookReceiver.Received;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Webhooks end to end through the real broker and PostgreSQL, to a real HTTP server: delivery events and quarantined
 * mail become signed requests, a failing endpoint is retried with backoff through the retry tiers, one that keeps
 * failing is disabled with an event, and a host that resolves to a private address is never connected to. The test
 * profile's schedule: 300 ms, 600 ms, then 1 s; disabled after 3 s of failures.
 */
@QuarkusTest
class WebhookDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOP = "mx.example.net[192.0.2.2]:25";

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    WebhookReceiver receiver;
    String tenant;
    String key;
    Instant t0;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new WebhookReceiver();
        tenant = Api.createTenant("webhook-delivery");
        key = Api.tenantKey(tenant);
        t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Deletes the test's endpoints, so that deliveries still retrying are dropped instead of disabling them later. */
    @AfterEach
    void tearDown() {
        List<String> ids = Api.as(key).get("/api/v1/webhooks").then().statusCode(200).extract().path("items.id");
        ids.forEach(id -> Api.as(key).delete("/api/v1/webhooks/" + id).then().statusCode(204));
        receiver.close();
    }

    @Test
    void deliveredDeferredAndBouncedAttemptsArriveSignedOnceEachAtTheEndpointsThatListThem() throws Exception {
        // one endpoint by IP literal, one by a host name the DNS service answers with the loopback address
        String host = "hooks-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        FakeDnsProducer.DNS.answer(host, DnsType.A, "127.0.0.1");
        Map<String, Object> all = create(receiver.url("/all"), "message.delivered", "message.deferred", "message.bounced");
        Map<String, Object> bounces = create("http://" + host + ":" + receiver.port() + "/bounces", "message.bounced");

        String id = queueId();
        accepted(id, Direction.OUTBOUND, List.of("x@b.example", "y@b.example", "z@b.example"));
        DeliveryEvent delivered = new DeliveryEvent(id, "x@b.example", 1, Outcome.DELIVERED, HOP, "250 2.0.0 ok", null,
                t0.plusSeconds(1));
        delivery(delivered);
        delivery(new DeliveryEvent(id, "y@b.example", 1, Outcome.DEFERRED, HOP, "451 4.7.1 try later",
                t0.plusSeconds(300), t0.plusSeconds(1)));
        delivery(new DeliveryEvent(id, "y@b.example", 2, Outcome.BOUNCED, HOP, "550 5.1.1 unknown user", null,
                t0.plusSeconds(301)));
        delivery(delivered); // redelivered by Kafka: tracked once, sent once
        delivery(new DeliveryEvent(id, "z@b.example", 1, Outcome.DELIVERED, HOP, "250 2.0.0 ok", null, t0.plusSeconds(2)));

        // the last event (z) is behind the redelivered one on the same partition: once z is in, a second copy of x
        // would have been queued before it
        await().atMost(WAIT).until(() -> receiver.at("/all").stream().anyMatch(r -> r.body().contains("z@b.example"))
                && receiver.at("/bounces").size() >= 1);
        await().atMost(WAIT).until(() -> receiver.at("/all").size() >= 4);
        List<Received> toAll = receiver.at("/all");
        assertThat(toAll).hasSize(4);
        assertThat(toAll).extracting(r -> r.header("Securemail-Event-Type")).containsExactlyInAnyOrder(
                "message.delivered", "message.deferred", "message.bounced", "message.delivered");
        for (Received r : toAll) {
            assertSigned(r, (String) all.get("secret"), (String) all.get("id"));
            JsonNode event = json.readTree(r.body());
            assertThat(event.path("id").asText()).isEqualTo(r.header("Securemail-Event-Id"));
            assertThat(event.path("tenantId").asText()).isEqualTo(tenant);
            assertThat(event.path("data").path("queueId").asText()).isEqualTo(id);
            assertThat(event.path("data").path("sender").asText()).isEqualTo("app@a.example");
            assertThat(event.path("data").path("direction").asText()).isEqualTo("OUTBOUND");
            assertThat(r.header("Securemail-Delivery-Attempt")).isEqualTo("1");
            assertThat(r.header("Content-Type")).startsWith("application/json");
        }
        assertThat(toAll).extracting(r -> r.header("Securemail-Event-Id")).doesNotHaveDuplicates();
        JsonNode bounce = json.readTree(toAll.stream().filter(r -> r.body().contains("message.bounced")).findFirst()
                .orElseThrow().body());
        assertThat(bounce.path("data").path("recipient").asText()).isEqualTo("y@b.example");
        assertThat(bounce.path("data").path("attempt").asInt()).isEqualTo(2);
        assertThat(bounce.path("data").path("reply").asText()).isEqualTo("550 5.1.1 unknown user");
        assertThat(bounce.path("data").path("remoteHost").asText()).isEqualTo(HOP);

        List<Received> toBounces = receiver.at("/bounces");
        assertThat(toBounces).hasSize(1);
        assertSigned(toBounces.get(0), (String) bounces.get("secret"), (String) bounces.get("id"));
        // the same event has the same id at every endpoint: receivers deduplicate by it
        assertThat(toBounces.get(0).header("Securemail-Event-Id")).isEqualTo(bounce.path("id").asText());
        assertThat(toBounces.get(0).header("Host")).isEqualTo(host + ":" + receiver.port());
    }

    @Test
    void anAttemptTrackedBeforeItsMessageIsSentOnceTheMessageArrives() throws Exception {
        create(receiver.url("/early"), "message.bounced");
        String id = queueId();
        delivery(new DeliveryEvent(id, "early@c.example", 1, Outcome.BOUNCED, HOP, "550 5.2.1 mailbox disabled", null,
                t0.plusSeconds(1)));
        await().atMost(WAIT).until(() -> pool.preparedQuery("SELECT count(*) FROM tracked_attempt WHERE queue_id = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 1);
        assertThat(receiver.at("/early")).isEmpty(); // no tenant yet: nothing to send to

        accepted(id, Direction.OUTBOUND, List.of("early@c.example"));

        await().atMost(WAIT).until(() -> receiver.at("/early").size() == 1);
        assertThat(json.readTree(receiver.at("/early").get(0).body()).path("data").path("recipient").asText())
                .isEqualTo("early@c.example");
    }

    @Test
    void quarantinedMailIsSentWithItsIdInTheQuarantineApi() throws Exception {
        Map<String, Object> hook = create(receiver.url("/held"), "message.quarantined");
        String queueId = "Q" + queueId();
        MailEnvelope envelope = new MailEnvelope(queueId, "ceo@forger.example", List.of("cfo@acme.example"),
                "192.0.2.66", "forger.example", null, null, tenant, Direction.INBOUND, t0, 42);
        broker.send(Topics.MAIL_QUARANTINE, queueId, "Subject: pay now\r\n\r\n".getBytes(StandardCharsets.UTF_8), Map.of(
                MailHeaders.ENVELOPE, json.writeValueAsBytes(envelope),
                "sm-verdict", "{\"action\":\"REJECT\",\"reasons\":[\"dmarc=fail (policy reject)\"]}"
                        .getBytes(StandardCharsets.UTF_8)));

        await().atMost(WAIT).until(() -> receiver.at("/held").size() == 1);
        Received r = receiver.at("/held").get(0);
        assertSigned(r, (String) hook.get("secret"), (String) hook.get("id"));
        JsonNode data = json.readTree(r.body()).path("data");
        assertThat(data.path("queueId").asText()).isEqualTo(queueId);
        assertThat(data.path("action").asText()).isEqualTo("REJECT");
        assertThat(data.path("reasons").get(0).asText()).isEqualTo("dmarc=fail (policy reject)");
        assertThat(data.path("recipients").get(0).asText()).isEqualTo("cfo@acme.example");
        Api.as(key).get("/api/v1/quarantine/" + data.path("quarantineId").asText()).then().statusCode(200)
                .body("queueId", equalTo(queueId));
    }

    @Test
    void aFailingEndpointIsRetriedWithBackoffAndTheSameEventUntilItAnswers() throws Exception {
        receiver.answer("/flaky", 500, 503);
        Map<String, Object> hook = create(receiver.url("/flaky"), "message.delivered");
        double retried = count("provisioning.webhooks.retried");

        String id = queueId();
        accepted(id, Direction.OUTBOUND, List.of("r@d.example"));
        delivery(new DeliveryEvent(id, "r@d.example", 1, Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(1)));

        await().atMost(WAIT).until(() -> receiver.at("/flaky").size() >= 3);
        List<Received> tries = receiver.at("/flaky");
        assertThat(tries).hasSize(3);
        assertThat(tries).extracting(r -> r.header("Securemail-Delivery-Attempt")).containsExactly("1", "2", "3");
        assertThat(tries).extracting(r -> r.header("Securemail-Event-Id")).containsOnly(tries.get(0)
                .header("Securemail-Event-Id"));
        assertThat(tries).extracting(Received::body).containsOnly(tries.get(0).body());
        for (Received r : tries) {
            assertSigned(r, (String) hook.get("secret"), (String) hook.get("id")); // a fresh timestamp each time
        }
        // backoff: 300 ms after the first failure, 600 ms after the second (the test profile's schedule)
        assertThat(Duration.between(tries.get(0).at(), tries.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(Duration.between(tries.get(1).at(), tries.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        await().atMost(WAIT).untilAsserted(() -> Api.as(key).get("/api/v1/webhooks/" + hook.get("id")).then()
                .statusCode(200).body("enabled", equalTo(true)).body("consecutiveFailures", equalTo(0))
                .body("lastFailure", equalTo("HTTP 503")).body("lastSuccessAt", notNullValue()));
        assertThat(count("provisioning.webhooks.retried") - retried).isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void anEndpointThatKeepsFailingIsDisabledWithAnEventTheTenantSeesAndItsDeliveryIsDeadLettered() throws Exception {
        receiver.always("/down", 503);
        Map<String, Object> down = create(receiver.url("/down"), "message.delivered");
        Map<String, Object> ops = create(receiver.url("/ops"), "webhook.disabled");
        String downId = (String) down.get("id");
        double disabled = count("provisioning.webhooks.disabled");

        String id = queueId();
        accepted(id, Direction.OUTBOUND, List.of("s@e.example"));
        delivery(new DeliveryEvent(id, "s@e.example", 1, Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(1)));

        await().atMost(WAIT).untilAsserted(() -> Api.as(key).get("/api/v1/webhooks/" + downId).then().statusCode(200)
                .body("enabled", equalTo(false)).body("disabledAt", notNullValue())
                .body("disabledReason", containsString("failed for")).body("failingSince", notNullValue())
                .body("lastFailure", equalTo("HTTP 503")).body("consecutiveFailures", greaterThanOrEqualTo(2)));
        // every attempt failed, each a later one, until the endpoint had failed for 3 s
        List<Received> tries = receiver.at("/down");
        assertThat(tries.size()).isGreaterThanOrEqualTo(3);
        assertThat(Duration.between(tries.get(0).at(), tries.get(tries.size() - 1).at()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(count("provisioning.webhooks.disabled") - disabled).isGreaterThanOrEqualTo(1.0);

        // the event: sent to the endpoint that listens for it, and listed by the API
        await().atMost(WAIT).until(() -> receiver.at("/ops").size() == 1);
        Received notice = receiver.at("/ops").get(0);
        assertSigned(notice, (String) ops.get("secret"), (String) ops.get("id"));
        JsonNode event = json.readTree(notice.body());
        assertThat(event.path("type").asText()).isEqualTo("webhook.disabled");
        assertThat(event.path("data").path("webhookId").asText()).isEqualTo(downId);
        assertThat(event.path("data").path("lastFailure").asText()).isEqualTo("HTTP 503");
        Api.as(key).get("/api/v1/webhooks/events").then().statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].id", equalTo(event.path("id").asText()))
                .body("items[0].type", equalTo("webhook.disabled"))
                .body("items[0].data.webhookId", equalTo(downId));
        Api.as(key).queryParam("type", "webhook.disabled").get("/api/v1/webhooks/events").then().statusCode(200)
                .body("items.size()", equalTo(1));

        // the delivery given up on waits on the dead-letter topic, with the reason
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> dead =
                    TopicReader.readAll(broker, Topics.dlq(Topics.WEBHOOKS_DELIVERIES), Set.of(downId));
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).headers().lastHeader(WebhookDispatcher.REASON_HEADER).value(),
                    StandardCharsets.UTF_8)).contains("disabled");
            assertThat(json.readTree(dead.get(0).value()).path("eventId").asText())
                    .isEqualTo(tries.get(0).header("Securemail-Event-Id"));
        });

        // nothing more is sent to it; enabled again, it gets the next events
        int before = receiver.at("/down").size();
        receiver.always("/down", 200);
        String next = queueId();
        accepted(next, Direction.OUTBOUND, List.of("t@e.example"));
        delivery(new DeliveryEvent(next, "t@e.example", 1, Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(2)));
        // both tracked: the attempt and its message arrive on two consumers in either order, and the event is queued
        // by whichever transaction comes second (while the endpoint is still disabled)
        await().atMost(WAIT).until(() -> pool.preparedQuery("SELECT (SELECT count(*) FROM tracked_attempt WHERE queue_id = $1)"
                + " + (SELECT count(*) FROM tracked_message WHERE queue_id = $1)")
                .execute(Tuple.of(next)).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 2);
        assertThat(receiver.at("/down")).hasSize(before);
        Api.as(key).post("/api/v1/webhooks/" + downId + "/enable").then().statusCode(200).body("enabled", equalTo(true));
        String after = queueId();
        accepted(after, Direction.OUTBOUND, List.of("u@e.example"));
        delivery(new DeliveryEvent(after, "u@e.example", 1, Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(3)));
        await().atMost(WAIT).until(() -> receiver.at("/down").stream().anyMatch(r -> r.body().contains(after)));
        assertThat(receiver.at("/down")).noneMatch(r -> r.body().contains(next));
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
        receiver.always("/moved", 302);
        Map<String, Object> hook = create(receiver.url("/moved"), "message.delivered");

        String id = queueId();
        accepted(id, Direction.OUTBOUND, List.of("m@g.example"));
        delivery(new DeliveryEvent(id, "m@g.example", 1, Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(1)));

        await().atMost(WAIT).untilAsserted(() -> Api.as(key).get("/api/v1/webhooks/" + hook.get("id")).then()
                .statusCode(200).body("lastFailure", equalTo("HTTP 302 (redirects are not followed)")));
        assertThat(receiver.at("/redirected")).isEmpty();
    }

    /**
     * An endpoint that reads the request and never answers: each attempt ends at the timeout (2 s in the test profile),
     * at most 4 are in progress at once (the per-endpoint share; the others wait on the first tier, not counted), and
     * the tenant's other endpoint gets its events meanwhile.
     */
    @Test
    void aSilentEndpointTimesOutAndHoldsNoMoreThanItsShareWhileTheOthersGoOn() throws Exception {
        receiver.hang("/silent");
        Map<String, Object> silent = create(receiver.url("/silent"), "message.delivered");
        create(receiver.url("/fine"), "message.delivered");
        double busy = count("provisioning.webhooks.busy");
        double timeouts = registry.counter("provisioning.webhooks.failed", "reason", "timeout").count();

        String id = queueId();
        List<String> rcpts = List.of("a@h.example", "b@h.example", "c@h.example", "d@h.example", "e@h.example",
                "f@h.example");
        accepted(id, Direction.OUTBOUND, rcpts);
        for (String rcpt : rcpts) {
            delivery(new DeliveryEvent(id, rcpt, 1, Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(1)));
        }

        await().atMost(WAIT).until(() -> receiver.at("/fine").size() == rcpts.size());
        await().atMost(WAIT).untilAsserted(() -> Api.as(key).get("/api/v1/webhooks/" + silent.get("id")).then()
                .statusCode(200).body("lastFailure", equalTo("no answer within PT2S")));
        // until the first attempts time out (2 s after they began), no more than the endpoint's share were sent
        List<Received> tries = receiver.at("/silent");
        Instant firstTimeout = tries.get(0).at().plusMillis(1900);
        assertThat(tries.stream().filter(r -> r.at().isBefore(firstTimeout)).count()).isBetween(1L, 4L);
        assertThat(count("provisioning.webhooks.busy")).isGreaterThan(busy);
        assertThat(registry.counter("provisioning.webhooks.failed", "reason", "timeout").count()).isGreaterThan(timeouts);
    }

    /** DNS rebinding: the URL's name was harmless when given; at send time it resolves to a private address. */
    @Test
    void aHostThatResolvesToAPrivateAddressIsNeverConnectedTo() throws Exception {
        String host = "rebind-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        FakeDnsProducer.DNS.answer(host, DnsType.A, "10.0.0.5");
        Map<String, Object> hook = create("http://" + host + ":" + receiver.port() + "/x", "message.delivered");
        double refused = registry.counter("provisioning.webhooks.failed", "reason", "refused").count();

        String id = queueId();
        accepted(id, Direction.OUTBOUND, List.of("v@f.example"));
        delivery(new DeliveryEvent(id, "v@f.example", 1, Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(1)));

        await().atMost(WAIT).untilAsserted(() -> Api.as(key).get("/api/v1/webhooks/" + hook.get("id")).then()
                .statusCode(200).body("lastFailure", containsString("resolves only to addresses"))
                .body("lastFailure", containsString("10.0.0.5")));
        assertThat(registry.counter("provisioning.webhooks.failed", "reason", "refused").count()).isGreaterThan(refused);
        assertThat(receiver.at("/x")).isEmpty();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private Map<String, Object> create(String url, String... types) {
        return Api.as(key).body(Map.of("url", url, "eventTypes", List.of(types))).post("/api/v1/webhooks").then()
                .statusCode(201).extract().as(Map.class);
    }

    /** The receiver's check: signed with the endpoint's secret, within 5 minutes, for this endpoint. */
    private static void assertSigned(Received r, String secret, String webhookId) {
        assertThat(WebhookSignature.verify(r.header(WebhookSignature.HEADER), r.body(), secret, Instant.now(),
                WebhookSignature.DEFAULT_TOLERANCE)).as("signature of " + r).isTrue();
        assertThat(WebhookSignature.verify(r.header(WebhookSignature.HEADER), r.body(), secret,
                Instant.now().plus(Duration.ofMinutes(6)), WebhookSignature.DEFAULT_TOLERANCE)).as("replayed later")
                .isFalse();
        assertThat(r.header("Securemail-Webhook-Id")).isEqualTo(webhookId);
        assertThat(r.header("User-Agent")).isEqualTo("Securemail-Webhooks/1");
    }

    private double count(String name) {
        return registry.counter(name).count();
    }

    private void accepted(String id, Direction direction, List<String> rcpts) throws Exception {
        MailEnvelope env = new MailEnvelope(id, "app@a.example", rcpts, "192.0.2.1", "client.example", "TLSv1.3",
                "app", tenant, direction, t0, 1234);
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
