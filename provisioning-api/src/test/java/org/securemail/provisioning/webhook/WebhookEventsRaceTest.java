package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.webhook.WebhookEvents.NewMessage;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A delivery attempt and its message are tracked from two topics by two consumers, in two transactions. When both
 * are written at the same moment, neither sees the other's uncommitted row; the advisory lock per queue id makes the
 * second to take it wait for the first's commit, so the event is queued exactly once, whichever commits first. Driven
 * here with two real PostgreSQL transactions held open by hand.
 */
@QuarkusTest
class WebhookEventsRaceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    WebhookEvents events;

    UUID tenant;
    String key;
    String webhook;

    @BeforeEach
    void endpoint() {
        tenant = UUID.fromString(Api.createTenant("race"));
        key = Api.tenantKey(tenant.toString());
        // nothing listens there; the endpoint is deleted before its first retry matters
        webhook = Api.as(key).body(Map.of("url", "http://127.0.0.1:9/race", "eventTypes", List.of("message.bounced")))
                .post("/api/v1/webhooks").then().statusCode(201).extract().path("id");
    }

    @AfterEach
    void deleteEndpoint() {
        Api.as(key).delete("/api/v1/webhooks/" + webhook).then().statusCode(204);
    }

    @Test
    void theAttemptCommittedFirstIsQueuedByTheMessagesTransactionWhichWaitedForIt() throws Exception {
        String queueId = queueId();
        DeliveryEvent bounce = bounce(queueId);
        SqlConnection a = connection();
        SqlConnection b = connection();
        try {
            Transaction attemptTx = a.begin().await().atMost(WAIT);
            insertAttempt(a, bounce);
            assertThat(events.fromDeliveries(a, List.of(bounce)).await().atMost(WAIT)).isZero(); // no message yet

            Transaction messageTx = b.begin().await().atMost(WAIT);
            insertMessage(b, queueId);
            CompletableFuture<Integer> queued = events.fromNewMessages(b, List.of(message(queueId)))
                    .subscribeAsCompletionStage().toCompletableFuture();
            assertThat(queued).as("waits for the attempt's transaction").isNotDone();
            attemptTx.commit().await().atMost(WAIT);

            assertThat(queued.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
            messageTx.commit().await().atMost(WAIT);
        } finally {
            a.close().await().atMost(WAIT);
            b.close().await().atMost(WAIT);
        }
    }

    @Test
    void theMessageCommittedFirstIsFoundByTheAttemptsTransactionWhichWaitedForIt() throws Exception {
        String queueId = queueId();
        DeliveryEvent bounce = bounce(queueId);
        SqlConnection a = connection();
        SqlConnection b = connection();
        try {
            Transaction messageTx = b.begin().await().atMost(WAIT);
            insertMessage(b, queueId);
            assertThat(events.fromNewMessages(b, List.of(message(queueId))).await().atMost(WAIT)).isZero();

            Transaction attemptTx = a.begin().await().atMost(WAIT);
            insertAttempt(a, bounce);
            CompletableFuture<Integer> queued = events.fromDeliveries(a, List.of(bounce))
                    .subscribeAsCompletionStage().toCompletableFuture();
            assertThat(queued).as("waits for the message's transaction").isNotDone();
            messageTx.commit().await().atMost(WAIT);

            assertThat(queued.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
            attemptTx.commit().await().atMost(WAIT);
        } finally {
            a.close().await().atMost(WAIT);
            b.close().await().atMost(WAIT);
        }
    }

    private SqlConnection connection() {
        return pool.getConnection().await().atMost(WAIT);
    }

    private NewMessage message(String queueId) {
        return new NewMessage(queueId, tenant, "app@a.example", "OUTBOUND");
    }

    private void insertMessage(SqlConnection conn, String queueId) {
        conn.preparedQuery("INSERT INTO tracked_message (queue_id, tenant_id, sender, direction, size_bytes, received_at)"
                        + " VALUES ($1, $2, 'app@a.example', 'OUTBOUND', 10, now())")
                .execute(Tuple.of(queueId, tenant)).await().atMost(WAIT);
    }

    private static void insertAttempt(SqlConnection conn, DeliveryEvent e) {
        conn.preparedQuery("INSERT INTO tracked_attempt (queue_id, recipient, attempt, outcome, remote_host, reply, at)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(new Object[] {e.queueId(), e.recipient(), e.attempt(), e.outcome().name(),
                        e.remoteHost(), e.reply(), e.at().atOffset(ZoneOffset.UTC)}))
                .await().atMost(WAIT);
    }

    private static DeliveryEvent bounce(String queueId) {
        return new DeliveryEvent(queueId, "r@race.example", 1, Outcome.BOUNCED, "mx.race.example[192.0.2.9]:25",
                "550 5.1.1 unknown", null, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static String queueId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }
}
