package org.securemail.provisioning.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.LogCapture;

/**
 * Quarantined mail through the real broker and PostgreSQL: records on {@code mail.quarantine} (as the inspection
 * stage writes them) are listed per tenant, released to {@code mail.ready} once, or deleted.
 */
@QuarkusTest
class QuarantineApiTest {

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    String tenant;
    String key;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("quarantine");
        key = Api.tenantKey(tenant);
    }

    private String hold(String tenantId, String sender, String body) throws Exception {
        return new HeldMail(broker, json).hold(tenantId, sender, body);
    }

    private String idOf(String queueId) {
        return HeldMail.idOf(key, queueId);
    }

    @Test
    void aHeldMessageIsListedForItsTenantAndReleasedToMailReadyOnce() throws Exception {
        String body = "Authentication-Results: mx.test;\r\n\tspf=fail smtp.mailfrom=ceo@forger.example\r\n"
                + "Subject: wire the money\r\n\r\nnow\r\n";
        String queueId = hold(tenant, "ceo@forger.example", body);
        String id = idOf(queueId);

        Api.as(key).get("/api/v1/quarantine/" + id).then().statusCode(200)
                .body("queueId", equalTo(queueId)).body("tenantId", equalTo(tenant))
                .body("sender", equalTo("ceo@forger.example")).body("recipients", contains("cfo@acme.example"))
                .body("action", equalTo("REJECT")).body("reasons", contains("spf=fail (policy reject)"))
                .body("state", equalTo("HELD"));

        try (LogCapture log = LogCapture.of(QuarantineService.class.getName())) {
            Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(200)
                    .body("state", equalTo("RELEASED"));
            // the operator's trail: the release is a line with the message's queue id (text and mdc.queue_id)
            assertThat(log.withMdc(MessageLog.QUEUE_ID, queueId)).extracting(LogCapture.Line::message)
                    .anySatisfy(m -> assertThat(m).startsWith(queueId + ": released from quarantine to mail.ready"));
        }
        ConsumerRecord<String, byte[]> ready = broker.readToEnd(Topics.MAIL_READY).stream()
                .filter(r -> queueId.equals(r.key())).findFirst().orElseThrow();
        assertThat(new String(ready.value(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(json.readValue(ready.headers().lastHeader(MailHeaders.ENVELOPE).value(), MailEnvelope.class)
                .recipients()).containsExactly("cfo@acme.example");
        assertThat(ready.headers().lastHeader("sm-verdict")).isNull();

        Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("RELEASED"));
        Api.as(key).delete("/api/v1/quarantine/" + id).then().statusCode(409);
        assertThat(broker.readToEnd(Topics.MAIL_READY).stream().filter(r -> queueId.equals(r.key()))).hasSize(1);
    }

    @Test
    void aDeletedMessageIsNeverReleased() throws Exception {
        String queueId = hold(tenant, "spam@bulk.example", "Subject: spam\r\n\r\nbuy\r\n");
        String id = idOf(queueId);
        Api.as(key).delete("/api/v1/quarantine/" + id).then().statusCode(200).body("state", equalTo("DELETED"));
        Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(409);
        Api.as(key).queryParam("state", "deleted").get("/api/v1/quarantine").then().statusCode(200)
                .body("items.queueId", contains(queueId));
        Api.as(key).queryParam("state", "held").get("/api/v1/quarantine").then().statusCode(200)
                .body("items.queueId", not(org.hamcrest.Matchers.hasItem(queueId)));
        assertThat(broker.readToEnd(Topics.MAIL_READY)).noneMatch(r -> queueId.equals(r.key()));
    }

    @Test
    void anotherTenantNeitherSeesNorReleasesNorDeletes() throws Exception {
        String queueId = hold(tenant, "x@forger.example", "Subject: mine\r\n\r\nx\r\n");
        String id = idOf(queueId);
        String other = Api.tenantKey(Api.createTenant("quarantine-other"));
        Api.as(other).get("/api/v1/quarantine").then().statusCode(200).body("items", hasSize(0));
        Api.as(other).get("/api/v1/quarantine/" + id).then().statusCode(404);
        Api.as(other).post("/api/v1/quarantine/" + id + "/release").then().statusCode(404);
        Api.as(other).delete("/api/v1/quarantine/" + id).then().statusCode(404);
        Api.as(other).queryParam("tenantId", tenant).get("/api/v1/quarantine").then().statusCode(403);
        Api.as(key).get("/api/v1/quarantine/" + id).then().statusCode(200).body("state", equalTo("HELD"));
        Api.operator().queryParam("tenantId", tenant).get("/api/v1/quarantine").then().statusCode(200)
                .body("items.queueId", org.hamcrest.Matchers.hasItem(queueId));
    }

    @Test
    void badParametersGetProblemsAndAnUnreadableRecordIsSkippedNeverDeadLettered() throws Exception {
        Api.as(key).get("/api/v1/quarantine/not-a-uuid").then().statusCode(404);
        Api.as(key).queryParam("state", "LOST").get("/api/v1/quarantine").then().statusCode(400)
                .contentType("application/problem+json");
        Api.as(key).queryParam("limit", 100_000).get("/api/v1/quarantine").then().statusCode(400);
        Api.as(key).queryParam("cursor", "'; drop table").get("/api/v1/quarantine").then().statusCode(400);
        Api.as(key).post("/api/v1/quarantine/" + java.util.UUID.randomUUID() + "/release").then().statusCode(404);

        double skipped = registry.counter("provisioning.quarantine.skipped").count();
        broker.send(Topics.MAIL_QUARANTINE, "QPOISON", "x".getBytes(StandardCharsets.UTF_8), Map.of());
        // the consumer goes on after the poison record
        idOf(hold(tenant, "after@poison.example", "Subject: after\r\n\r\nx\r\n"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(registry.counter("provisioning.quarantine.skipped").count()).isEqualTo(skipped + 1));
        // and never dead-letters it: a body-less copy replayed into mail.quarantine would release an empty message
        assertThat(org.securemail.provisioning.TopicReader.readAll(broker, Topics.dlq(Topics.MAIL_QUARANTINE),
                java.util.Set.of("QPOISON"))).isEmpty();
    }
}
