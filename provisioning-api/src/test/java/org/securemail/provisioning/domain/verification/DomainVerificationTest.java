package org.securemail.provisioning.domain.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.securemail.provisioning.Api.hop;
import static org.securemail.provisioning.Api.operator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.DomainVerificationEvent;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.TopicReader;
import org.securemail.provisioning.testing.FakeDnsProducer;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Domain ownership (issue 12 item 1) against the real PostgreSQL and broker, with the DNS answers from the fake
 * resolver ({@code StackIT} checks the same through the real DNS service). Before verification existed, a tenant's
 * new domain was published at once: every test here failed on that code.
 */
@QuarkusTest
class DomainVerificationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    @Test
    void aTenantsDomainTakesEffectOnlyOnceItsTxtRecordIsFoundThroughDns() {
        String key = Api.tenantKey(Api.createTenant("verify"));
        String name = Api.uniqueDomain();
        JsonPath created = claim(key, name);
        String id = created.getString("id");
        assertThat(created.getString("verification.state")).isEqualTo("PENDING");
        assertThat(created.getString("verification.txtName")).isEqualTo("_securemail-verification." + name);
        String value = created.getString("verification.txtValue");
        assertThat(value).startsWith("securemail-verification=").hasSizeGreaterThan(40);

        // checked (NXDOMAIN: the fake knows nothing of the name) and still not in effect
        await().atMost(WAIT).until(() -> "MISSING".equals(view(id).getString("verification.lastCheck.outcome")));
        assertThat(view(id).getString("verification.state")).isEqualTo("PENDING");
        assertThat(unpublished(name)).isZero();
        assertThat(TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name))).isEmpty();

        FakeDnsProducer.DNS.answer("_securemail-verification." + name, DnsType.TXT, "v=spf1 -all", value);
        await().atMost(WAIT).until(() -> "VERIFIED".equals(view(id).getString("verification.state")));
        JsonPath verified = view(id);
        assertThat(verified.getString("verification.verifiedBy")).isEqualTo("DNS");
        assertThat(verified.getString("verification.lastCheck.outcome")).isEqualTo("FOUND");
        assertThat(verified.getString("verification.nextCheckAt")).isNull();

        await().atMost(WAIT).until(() -> TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name)).size() == 1);
        DomainRecord record = read(TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name)).get(0), DomainRecord.class);
        assertThat(record.tenantId()).isEqualTo(verified.getString("tenantId"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(name)).extracting(DomainVerificationEvent::outcome)
                .startsWith("CREATED", "MISSING").endsWith("FOUND"));
    }

    @Test
    void theFirstTenantToVerifyGetsTheNameAndTheOtherClaimsAreRefused() {
        String keyA = Api.tenantKey(Api.createTenant("first"));
        String keyB = Api.tenantKey(Api.createTenant("second"));
        String keyC = Api.tenantKey(Api.createTenant("late"));
        String name = Api.uniqueDomain();
        String a = claim(keyA, name).getString("id");
        JsonPath b = claim(keyB, name);
        Api.as(keyB).body(Map.of("name", name.toUpperCase(), "nextHops", List.of(hop("mx.b.example"))))
                .post("/api/v1/domains").then().statusCode(409);

        FakeDnsProducer.DNS.answer("_securemail-verification." + name, DnsType.TXT, b.getString("verification.txtValue"));
        await().atMost(WAIT).until(() -> "VERIFIED".equals(view(b.getString("id")).getString("verification.state")));
        await().atMost(WAIT).until(() -> "REFUSED".equals(view(a).getString("verification.state")));
        assertThat(view(a).getString("verification.lastCheck.outcome")).isEqualTo("CLAIMED_ELSEWHERE");

        // A publishing its own token now changes nothing; new claims and re-checks are refused
        Api.as(keyA).post("/api/v1/domains/" + a + "/verification/check").then().statusCode(409)
                .body("detail", equalTo("domain " + name + " is verified by another tenant"));
        Api.as(keyC).body(Map.of("name", name, "nextHops", List.of(hop("mx.c.example"))))
                .post("/api/v1/domains").then().statusCode(409);
        await().atMost(WAIT).until(() -> TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name)).size() == 1);

        // the refused claim's deletion must not erase the owner's record with a tombstone
        Api.as(keyA).delete("/api/v1/domains/" + a).then().statusCode(204);
        assertThat(unpublished(name)).isZero();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).isNotNull();
    }

    @Test
    void aDnsFailureIsRetriedWithBackoffAndNeverReportedAsNotVerified() {
        String key = Api.tenantKey(Api.createTenant("dead zone"));
        String name = Api.uniqueDomain();
        String txt = "_securemail-verification." + name;
        FakeDnsProducer.DNS.status(txt, DnsType.TXT, DnsStatus.FAILED);
        JsonPath created = claim(key, name);
        String id = created.getString("id");

        await().atMost(WAIT).until(() -> "TEMPORARY_FAILURE".equals(view(id).getString("verification.lastCheck.outcome")));
        JsonPath failed = view(id);
        assertThat(failed.getString("verification.state")).isEqualTo("PENDING");
        assertThat(failed.getString("verification.lastCheck.detail")).contains("failed for now");
        assertThat(Instant.parse(failed.getString("verification.nextCheckAt")))
                .isAfter(Instant.parse(failed.getString("verification.lastCheck.at")));

        // silence (the DNS service gives no answer by the deadline) is temporary too
        FakeDnsProducer.DNS.status(txt, DnsType.TXT, DnsStatus.TIMEOUT);
        int before = FakeDnsProducer.DNS.lookups();
        await().atMost(WAIT).until(() -> FakeDnsProducer.DNS.lookups() > before
                && view(id).getString("verification.lastCheck.detail").contains("timeout"));
        assertThat(view(id).getString("verification.state")).isEqualTo("PENDING");

        FakeDnsProducer.DNS.answer(txt, DnsType.TXT, created.getString("verification.txtValue"));
        await().atMost(WAIT).until(() -> "VERIFIED".equals(view(id).getString("verification.state")));
        assertThat(events(name)).extracting(DomainVerificationEvent::outcome)
                .contains("TEMPORARY_FAILURE").doesNotContain("MISSING", "MISMATCH");
    }

    @Test
    void aWrongTokenIsAMismatchAndTheBackoffGrows() {
        String key = Api.tenantKey(Api.createTenant("mismatch"));
        String name = Api.uniqueDomain();
        FakeDnsProducer.DNS.answer("_securemail-verification." + name, DnsType.TXT, "securemail-verification=someone-else");
        String id = claim(key, name).getString("id");
        await().atMost(WAIT).until(() -> events(name).stream().filter(e -> e.outcome().equals("MISMATCH")).count() >= 3);
        List<DomainVerificationEvent> mismatches = events(name).stream().filter(e -> e.outcome().equals("MISMATCH")).toList();
        // %test: first retry 1 s, doubling, at most 2 s
        assertThat(Duration.between(mismatches.get(0).at(), mismatches.get(0).nextCheck())).isEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(mismatches.get(1).at(), mismatches.get(1).nextCheck())).isEqualTo(Duration.ofSeconds(2));
        assertThat(Duration.between(mismatches.get(2).at(), mismatches.get(2).nextCheck())).isEqualTo(Duration.ofSeconds(2));
        assertThat(view(id).getString("verification.state")).isEqualTo("PENDING");
        assertThat(unpublished(name)).isZero();
        assertThat(TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name))).isEmpty();
    }

    @Test
    void anOperatorVerifiesByHandAndRecipientsGatheredWhilePendingArePublishedWithTheDomain() {
        String tenant = Api.createTenant("by hand");
        String key = Api.tenantKey(tenant);
        String name = Api.uniqueDomain();
        FakeDnsProducer.DNS.status("_securemail-verification." + name, DnsType.TXT, DnsStatus.TIMEOUT);
        String id = claim(key, name).getString("id");
        Api.as(key).body(Map.of("localPart", "alice")).post("/api/v1/domains/" + id + "/recipients").then().statusCode(201);
        assertThat(TopicReader.readAll(broker, Topics.PROVISIONING_RECIPIENTS, Set.of("alice@" + name))).isEmpty();
        assertThat(unpublished("alice@" + name)).isZero();

        Api.as(key).post("/api/v1/domains/" + id + "/verification/verify").then().statusCode(403);
        operator().post("/api/v1/domains/" + id + "/verification/verify").then().statusCode(200)
                .body("verification.state", equalTo("VERIFIED")).body("verification.verifiedBy", equalTo("OPERATOR"))
                .body("verification.nextCheckAt", nullValue()).body("verification.verifiedAt", notNullValue());
        await().atMost(WAIT).until(() -> TopicReader.readAll(broker, Topics.PROVISIONING_DOMAINS, Set.of(name)).size() == 1
                && TopicReader.readAll(broker, Topics.PROVISIONING_RECIPIENTS, Set.of("alice@" + name)).size() == 1);
        // idempotent
        operator().post("/api/v1/domains/" + id + "/verification/verify").then().statusCode(200);
        Api.as(key).post("/api/v1/domains/" + id + "/verification/check").then().statusCode(202)
                .body("verification.state", equalTo("VERIFIED"));
    }

    @Test
    void aDomainAnOperatorCreatesIsVerifiedAndRefusesOpenClaims() {
        String keyA = Api.tenantKey(Api.createTenant("claimant"));
        String owner = Api.createTenant("owner");
        String name = Api.uniqueDomain();
        String a = claim(keyA, name).getString("id");
        operator().body(Map.of("tenantId", owner, "name", name, "nextHops", List.of(hop("mx.owner.example"))))
                .post("/api/v1/domains").then().statusCode(201)
                .body("verification.state", equalTo("VERIFIED")).body("verification.verifiedBy", equalTo("OPERATOR"));
        assertThat(view(a).getString("verification.state")).isEqualTo("REFUSED");
        operator().post("/api/v1/domains/" + a + "/verification/verify").then().statusCode(409);
    }

    @Test
    void aTenantHoldsABoundedNumberOfUnverifiedClaims() {
        String key = Api.tenantKey(Api.createTenant("hoarder"));
        for (int i = 0; i < 50; i++) {
            claim(key, Api.uniqueDomain());
        }
        Api.as(key).body(Map.of("name", Api.uniqueDomain(), "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(409)
                .body("detail", equalTo("a tenant may hold 50 unverified domains at once; verify or delete some first"));
    }

    private static JsonPath claim(String key, String name) {
        return Api.as(key).body(Map.of("name", name, "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(201).extract().jsonPath();
    }

    /** Read with the operator key: tests poll, and a tenant key is rate limited to 1/s in tests. */
    private static JsonPath view(String id) {
        return operator().get("/api/v1/domains/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Domain and recipient events for {@code key} still in the outbox (not yet relayed). */
    private long unpublished(String key) {
        return pool.preparedQuery("SELECT count(*) AS n FROM outbox_event WHERE record_key = $1 AND topic <> $2")
                .execute(Tuple.of(key, Topics.PROVISIONING_DOMAIN_VERIFICATIONS)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong("n");
    }

    private List<DomainVerificationEvent> events(String name) {
        return TopicReader.readAll(broker, Topics.PROVISIONING_DOMAIN_VERIFICATIONS, Set.of(name)).stream()
                .map(r -> read(r, DomainVerificationEvent.class)).toList();
    }

    private <T> T read(ConsumerRecord<String, byte[]> record, Class<T> type) {
        try {
            return json.readValue(new String(record.value(), StandardCharsets.UTF_8), type);
        } catch (Exception e) {
            throw new AssertionError("unreadable record " + record, e);
        }
    }
}
