package org.securemail.provisioning.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.TopicReader;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Hard bounces on {@code delivery.events} put the recipient on the tenant's list, through the real broker and
 * PostgreSQL, whichever of the bounce and the accept record is tracked first; everything else does not.
 */
@QuarkusTest
class BounceSuppressionTest {

    private static final String HOP = "mx.b.example[192.0.2.2]:25";

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    String tenant;
    String key;
    Instant t0;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("bounces");
        key = Api.tenantKey(tenant);
        t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void aNextHopsUnknownUserReplyListsTheRecipientOnceDespiteRedelivery() throws Exception {
        double before = added();
        String id = queueId();
        accepted(id, Direction.OUTBOUND, List.of("Gone@B.example", "fine@b.example"));
        String reply = "550 5.1.1 <Gone@B.example>: Recipient address rejected: User unknown";
        DeliveryEvent bounce = new DeliveryEvent(id, "Gone@B.example", 1, Outcome.BOUNCED, HOP, reply, null, t0.plusSeconds(1));
        delivery(bounce);
        delivery(bounce); // redelivered
        delivery(new DeliveryEvent(id, "fine@b.example", 1, Outcome.DELIVERED, HOP, "250 2.0.0 ok", null, t0.plusSeconds(1)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(key).get("/api/v1/suppressions").then()
                .statusCode(200).body("items.address", contains("gone@b.example")));
        Api.as(key).get("/api/v1/suppressions").then().body("items[0].reason", equalTo("HARD_BOUNCE"))
                .body("items[0].queueId", equalTo(id)).body("items[0].reply", equalTo(reply))
                .body("items[0].domain", equalTo("b.example"));
        String recordKey = tenant + "/gone@b.example";
        await().atMost(Duration.ofSeconds(30)).until(
                () -> TopicReader.readAll(broker, Topics.PROVISIONING_SUPPRESSIONS, Set.of(recordKey)).size() == 1);
        assertThat(added() - before).isEqualTo(1.0);
    }

    @Test
    void aBounceTrackedBeforeItsAcceptRecordListsTheRecipientWhenTheAcceptArrives() throws Exception {
        String id = queueId();
        delivery(new DeliveryEvent(id, "early@c.example", 1, Outcome.BOUNCED, HOP, "550 5.2.1 mailbox disabled", null,
                t0.plusSeconds(1)));
        // the bounce is tracked (without a tenant yet: nothing is listed) before the accept record is sent
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.preparedQuery(
                "SELECT count(*) FROM tracked_attempt WHERE queue_id = $1").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 1);
        Api.as(key).get("/api/v1/suppressions").then().body("items.size()", equalTo(0));
        accepted(id, Direction.OUTBOUND, List.of("early@c.example"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(key).get("/api/v1/suppressions").then()
                .statusCode(200).body("items.address", contains("early@c.example")));
    }

    @Test
    void policyBouncesOwnBouncesAndInboundMailDoNotList() throws Exception {
        String out = queueId();
        accepted(out, Direction.OUTBOUND, List.of("spam@d.example", "dns@d.example", "full@d.example", "last@d.example"));
        delivery(new DeliveryEvent(out, "spam@d.example", 1, Outcome.BOUNCED, HOP, "550 5.7.1 rejected as spam", null, t0));
        delivery(new DeliveryEvent(out, "dns@d.example", 1, Outcome.BOUNCED, null,
                "550 5.1.2 Host or domain name not found", null, t0));
        delivery(new DeliveryEvent(out, "full@d.example", 1, Outcome.DEFERRED, HOP, "452 4.2.2 mailbox full",
                t0.plusSeconds(300), t0));
        String in = queueId();
        accepted(in, Direction.INBOUND, List.of("staff@tenant.example"));
        delivery(new DeliveryEvent(in, "staff@tenant.example", 1, Outcome.BOUNCED, HOP, "550 5.1.1 unknown", null, t0));
        // a hard bounce last: once it is listed, the events before it on the partition were processed too
        delivery(new DeliveryEvent(out, "last@d.example", 1, Outcome.BOUNCED, HOP, "550 5.1.1 unknown", null, t0));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(key).get("/api/v1/suppressions").then()
                .statusCode(200).body("items.address", contains("last@d.example")));
        // the inbound message's bounce is on another partition (another key): its timeline shows it was processed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(key).get("/api/v1/messages/" + in).then()
                .statusCode(200).body("recipients[0].status", equalTo("BOUNCED")));
        Api.as(key).get("/api/v1/suppressions").then().body("items.address", contains("last@d.example"));
    }

    @Test
    void aFullListStopsGrowingAndCountsTheBounceItDidNotAdd() throws Exception {
        for (int i = 0; i < 5; i++) {
            Api.as(key).body(Map.of("address", "m" + i + "@e.example")).post("/api/v1/suppressions").then().statusCode(201);
        }
        double full = registry.counter("provisioning.suppressions.full").count();
        String id = queueId();
        accepted(id, Direction.OUTBOUND, List.of("over@e.example"));
        delivery(new DeliveryEvent(id, "over@e.example", 1, Outcome.BOUNCED, HOP, "550 5.1.1 unknown", null, t0));
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.counter("provisioning.suppressions.full").count() > full);
        Api.as(key).queryParam("reason", "HARD_BOUNCE").get("/api/v1/suppressions").then().body("items.size()", equalTo(0));
    }

    private double added() {
        return registry.counter("provisioning.suppressions.added", "reason", "HARD_BOUNCE").count();
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
