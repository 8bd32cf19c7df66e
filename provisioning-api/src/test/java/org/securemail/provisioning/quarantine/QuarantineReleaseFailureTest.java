package org.securemail.provisioning.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.testing.FakeReleaseWriter;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

/**
 * Releases whose write to {@code mail.ready} fails (ADR 0073), through the API on the real broker and PostgreSQL with
 * the {@link FakeReleaseWriter} in place of the producer: a failure that certainly wrote nothing puts the message
 * back to HELD; one whose outcome is unknown leaves it RELEASING until the sweeper writes it again.
 */
@QuarkusTest
class QuarantineReleaseFailureTest {

    private static final Duration SWEEP = Duration.ofMinutes(2);

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    @Inject
    Pool pool;

    @Inject
    QuarantineSweeper sweeper;

    @Inject
    MeterRegistry registry;

    FakeReleaseWriter writer;
    HeldMail mail;
    String key;
    String tenant;

    @BeforeEach
    void setUp() {
        writer = new FakeReleaseWriter();
        QuarkusMock.installMockForType(writer, ReleaseWriter.class);
        mail = new HeldMail(broker, json);
        tenant = Api.createTenant("quarantine-failures");
        key = Api.tenantKey(tenant);
    }

    @Test
    void aWriteWithAnUnknownOutcomeStaysReleasingAndASecondReleaseIsRefused() throws Exception {
        String queueId = mail.hold(tenant, "ceo@forger.example", "Subject: wire the money\r\n\r\nnow\r\n");
        String id = HeldMail.idOf(key, queueId);
        writer.timeOutNext(true); // the broker appended it, its acknowledgement was lost

        Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(202)
                .header("Retry-After", "300").header("Location", endsWith("/api/v1/quarantine/" + id))
                .body("state", equalTo("RELEASING"));
        Api.as(key).get("/api/v1/quarantine/" + id).then().statusCode(200).body("state", equalTo("RELEASING"));
        Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("RELEASING")).body("detail", containsString("under way"));
        Api.as(key).delete("/api/v1/quarantine/" + id).then().statusCode(409);
        assertThat(writer.attempts(queueId)).isEqualTo(1);

        // before release-retry-after the sweeper leaves it to the release in progress
        sweeper.sweep().await().atMost(SWEEP);
        assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASING");
        assertThat(writer.attempts(queueId)).isEqualTo(1);

        // after it, the sweeper writes it again: at least once, so here twice (the first write had landed)
        HeldMail.ageClaim(pool, id, 365);
        sweeper.sweep().await().atMost(SWEEP);
        Api.as(key).get("/api/v1/quarantine/" + id).then().statusCode(200).body("state", equalTo("RELEASED"));
        assertThat(writer.written(queueId)).hasSize(2);
        assertThat(HeldMail.attempts(pool, id)).isEqualTo(2);
    }

    @Test
    void aWriteWithAnUnknownOutcomeThatDidNotLandIsDeliveredOnceByTheSweeper() throws Exception {
        String queueId = mail.hold(tenant, "x@forger.example", "Subject: lost ack\r\n\r\nx\r\n");
        String id = HeldMail.idOf(key, queueId);
        writer.timeOutNext(false);

        Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(202)
                .body("state", equalTo("RELEASING"));
        assertThat(writer.written(queueId)).isEmpty();

        HeldMail.ageClaim(pool, id, 365);
        sweeper.sweep().await().atMost(SWEEP);
        assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASED");
        assertThat(writer.written(queueId)).hasSize(1);
    }

    @Test
    void aWriteThatCertainlyFailedGoesBackToHeldAndMayBeReleasedAgain() throws Exception {
        String queueId = mail.hold(tenant, "y@forger.example", "Subject: refused\r\n\r\ny\r\n");
        String id = HeldMail.idOf(key, queueId);
        writer.refuseNext();

        Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", "5")
                .body("type", equalTo("https://securemail.org/problems/unavailable"))
                .body("detail", containsString("still HELD"));
        Api.as(key).get("/api/v1/quarantine/" + id).then().statusCode(200).body("state", equalTo("HELD"));
        assertThat(writer.written(queueId)).isEmpty();

        Api.as(key).post("/api/v1/quarantine/" + id + "/release").then().statusCode(200)
                .body("state", equalTo("RELEASED"));
        assertThat(writer.written(queueId)).hasSize(1);
    }

    @Test
    void theSweeperNeverPutsARowBackToHeldAndTriesAgainLater() throws Exception {
        String queueId = mail.hold(tenant, "z@forger.example", "Subject: crash\r\n\r\nz\r\n");
        String id = HeldMail.idOf(key, queueId);
        HeldMail.claimedAndAbandoned(pool, id, 365);
        writer.refuseNext();
        double notWritten = redriven("not-written");

        sweeper.sweep().await().atMost(SWEEP);
        // an earlier attempt may have written it: a refusal now does not make it HELD again
        assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASING");
        assertThat(HeldMail.attempts(pool, id)).isEqualTo(2);
        assertThat(redriven("not-written")).isEqualTo(notWritten + 1);
        // its claim is fresh again: not due before release-retry-after
        sweeper.sweep().await().atMost(SWEEP);
        assertThat(writer.attempts(queueId)).isEqualTo(1);

        HeldMail.ageClaim(pool, id, 365);
        sweeper.sweep().await().atMost(SWEEP);
        assertThat(HeldMail.state(pool, id)).isEqualTo("RELEASED");
        assertThat(writer.written(queueId)).hasSize(1);
    }

    private double redriven(String outcome) {
        return registry.counter("provisioning.quarantine.redriven", "outcome", outcome).count();
    }
}
