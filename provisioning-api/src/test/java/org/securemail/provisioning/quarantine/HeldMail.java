package org.securemail.provisioning.quarantine;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.hamcrest.Matchers;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.testing.KafkaBroker;

/** Quarantine test fixture: held mail put on {@code mail.quarantine} as the inspection stage writes it. */
final class HeldMail {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaBroker broker;
    private final ObjectMapper json;

    HeldMail(KafkaBroker broker, ObjectMapper json) {
        this.broker = broker;
        this.json = json;
    }

    /** Writes a held message for {@code tenantId}; its queue id. */
    String hold(String tenantId, String sender, String body) throws Exception {
        String queueId = "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 18).toUpperCase();
        MailEnvelope envelope = new MailEnvelope(queueId, sender, List.of("cfo@acme.example"), "192.0.2.66",
                "forger.example", null, null, tenantId, Direction.INBOUND, Instant.now(), body.length());
        broker.send(Topics.MAIL_QUARANTINE, queueId, body.getBytes(StandardCharsets.UTF_8), Map.of(
                MailHeaders.ENVELOPE, json.writeValueAsBytes(envelope),
                "sm-verdict", ("{\"action\":\"REJECT\",\"reasons\":[\"spf=fail (policy reject)\"],\"temporary\":[],"
                        + "\"at\":\"2026-12-07T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8)));
        return queueId;
    }

    /** The API's id of the held message {@code queueId}, once the index has it. */
    static String idOf(String key, String queueId) {
        await().atMost(WAIT).untilAsserted(() -> Api.as(key).queryParam("limit", 200).get("/api/v1/quarantine").then()
                .statusCode(200).body("items.queueId", Matchers.hasItem(queueId)));
        List<String> ids = Api.as(key).queryParam("limit", 200).get("/api/v1/quarantine").then().extract()
                .path("items.findAll { it.queueId == '" + queueId + "' }.id");
        return ids.get(0);
    }

    /**
     * Makes a row look like a release the API claimed {@code daysAgo} and never finished (it died during the write,
     * or the write's outcome was unknown): RELEASING, one attempt begun. The older the claim, the earlier a sweep
     * takes the row.
     */
    static void claimedAndAbandoned(Pool pool, String id, int daysAgo) {
        pool.preparedQuery("UPDATE quarantined_message SET state = 'RELEASING', release_attempts = 1,"
                        + " release_claimed_at = now() - make_interval(days => $2) WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id), daysAgo)).await().atMost(WAIT);
    }

    /** Moves a row's release claim {@code daysAgo} into the past: as if release-retry-after had passed. */
    static void ageClaim(Pool pool, String id, int daysAgo) {
        pool.preparedQuery("UPDATE quarantined_message SET release_claimed_at = now() - make_interval(days => $2)"
                        + " WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id), daysAgo)).await().atMost(WAIT);
    }

    /** The row's state, straight from the table. */
    static String state(Pool pool, String id) {
        return pool.preparedQuery("SELECT state FROM quarantined_message WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next().getString("state");
    }

    static int attempts(Pool pool, String id) {
        return pool.preparedQuery("SELECT release_attempts FROM quarantined_message WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next()
                .getInteger("release_attempts");
    }
}
