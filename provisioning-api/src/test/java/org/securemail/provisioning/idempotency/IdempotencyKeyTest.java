package org.securemail.provisioning.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.securemail.provisioning.Api.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Idempotency-Key on creating requests, against the real PostgreSQL (ADR 0074). */
@QuarkusTest
class IdempotencyKeyTest {

    private static final String PROBLEMS = "https://securemail.org/problems/";

    @Inject
    Pool pool;

    @Inject
    IdempotencyStore store;

    @Inject
    IdempotencySweeper sweeper;

    @Test
    void aRetryWithTheSameKeyGetsTheFirstAnswerAndCreatesNothing() {
        String key = UUID.randomUUID().toString();
        String name = "idem-" + key;
        Response first = operator().header(IdempotencyKey.HEADER, key).body(Map.of("name", name)).post("/api/v1/tenants");
        first.then().statusCode(201).header(IdempotencyKey.REPLAYED_HEADER, nullValue());
        Response again = operator().header(IdempotencyKey.HEADER, key).body(Map.of("name", name)).post("/api/v1/tenants");
        again.then().statusCode(201).header(IdempotencyKey.REPLAYED_HEADER, equalTo("true"))
                .body("id", equalTo(first.path("id"))).body("name", equalTo(name))
                .header("Location", equalTo(first.header("Location")));
        // the structured-field form of the same key is the same key
        operator().header(IdempotencyKey.HEADER, "\"" + key + "\"").body(Map.of("name", name)).post("/api/v1/tenants")
                .then().statusCode(201).body("id", equalTo(first.path("id")));
        assertThat(tenantsNamed(name)).isEqualTo(1);
        // without the header, the same request creates again, as before
        operator().body(Map.of("name", name)).post("/api/v1/tenants").then().statusCode(201);
        assertThat(tenantsNamed(name)).isEqualTo(2);
    }

    @Test
    void theSameKeyForADifferentRequestIs422() {
        String key = UUID.randomUUID().toString();
        operator().header(IdempotencyKey.HEADER, key).body(Map.of("name", "idem-a-" + key)).post("/api/v1/tenants")
                .then().statusCode(201);
        operator().header(IdempotencyKey.HEADER, key).body(Map.of("name", "idem-b-" + key)).post("/api/v1/tenants")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "idempotency-key-reused"));
        // nor for another operation at another path
        String tenant = Api.createTenant("idem-other-op");
        operator().header(IdempotencyKey.HEADER, key)
                .body(Map.of("tenantId", tenant, "name", Api.uniqueDomain(), "nextHops", List.of(Api.hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(422);
        assertThat(tenantsNamed("idem-b-" + key)).isZero();
    }

    @Test
    void keysBelongToTheApiKeyThatSentThem() {
        String key = "shared-" + UUID.randomUUID();
        String a = Api.tenantKey(Api.createTenant("idem-scope-a"));
        String b = Api.tenantKey(Api.createTenant("idem-scope-b"));
        Map<String, String> user = Map.of("username", "u" + System.nanoTime() + "@scope.example", "password", "pw-0123456789");
        String idA = Api.as(a).header(IdempotencyKey.HEADER, key).body(user).post("/api/v1/smtp-users")
                .then().statusCode(201).extract().path("id");
        // the same key and body from another tenant's API key is that tenant's own request: created, not replayed
        // (and not another tenant's answer)
        Map<String, String> userB = Map.of("username", "v" + System.nanoTime() + "@scope.example", "password", "pw-0123456789");
        String idB = Api.as(b).header(IdempotencyKey.HEADER, key).body(userB).post("/api/v1/smtp-users")
                .then().statusCode(201).header(IdempotencyKey.REPLAYED_HEADER, nullValue()).extract().path("id");
        assertThat(idB).isNotEqualTo(idA);
    }

    @Test
    void aFailedFirstRequestGivesTheKeyBack() {
        String key = UUID.randomUUID().toString();
        operator().header(IdempotencyKey.HEADER, key).body(Map.of("name", " ")).post("/api/v1/tenants")
                .then().statusCode(400);
        operator().header(IdempotencyKey.HEADER, key).body(Map.of("name", "idem-fixed-" + key)).post("/api/v1/tenants")
                .then().statusCode(201).header(IdempotencyKey.REPLAYED_HEADER, nullValue());
    }

    @Test
    void hostileKeysAreRefusedWithAProblem() {
        for (String bad : List.of("\"\"", "x".repeat(IdempotencyKey.MAX_LENGTH + 1), "with space", "tab\tkey",
                "quote\"inside", "back\\slash", "caf\u00e9")) {
            operator().header(IdempotencyKey.HEADER, bad).body(Map.of("name", "idem-hostile")).post("/api/v1/tenants")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEMS + "bad-request"));
        }
        operator().header(IdempotencyKey.HEADER, "k".repeat(IdempotencyKey.MAX_LENGTH))
                .body(Map.of("name", "idem-longest")).post("/api/v1/tenants").then().statusCode(201);
        assertThat(tenantsNamed("idem-hostile")).isZero();
    }

    @Test
    void creatingAnApiKeyRefusesTheHeaderBecauseItsSecretIsNeverKept() {
        String tenant = Api.createTenant("idem-apikey");
        operator().header(IdempotencyKey.HEADER, UUID.randomUUID().toString())
                .body(Map.of("role", "TENANT", "tenantId", tenant, "description", "x")).post("/api/v1/api-keys")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("shown once"));
    }

    @Test
    void noFormOfAPasswordIsKept() {
        String key = Api.tenantKey(Api.createTenant("idem-password"));
        String password = "secret-" + UUID.randomUUID();
        String idem = UUID.randomUUID().toString();
        Api.as(key).header(IdempotencyKey.HEADER, idem)
                .body(Map.of("username", "p" + System.nanoTime() + "@pw.example", "password", password))
                .post("/api/v1/smtp-users").then().statusCode(201);
        String row = pool.preparedQuery("SELECT fingerprint || coalesce(body, '') AS kept FROM idempotency_key"
                + " WHERE idem_key = $1").execute(Tuple.of(idem)).await().indefinitely().iterator().next().getString("kept");
        assertThat(row).doesNotContain(password).doesNotContain("password");
        assertThat(row).doesNotContain(IdempotencyKey.fingerprint(password));
    }

    @Test
    void concurrentRetriesCreateOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        String name = "idem-race-" + key;
        int n = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Response> call = () -> {
                    start.await();
                    return operator().header(IdempotencyKey.HEADER, key).body(Map.of("name", name)).post("/api/v1/tenants");
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<Response> f : answers) {
                Response r = f.get();
                assertThat(r.statusCode()).isIn(201, 409);
                if (r.statusCode() == 201) {
                    ids.add(r.path("id"));
                } else {
                    assertThat(r.contentType()).startsWith("application/problem+json");
                }
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(tenantsNamed(name)).isEqualTo(1);
    }

    @Test
    void theStoreClaimsAnswersTakesOverAndExpires() {
        IdempotencyKey k = new IdempotencyKey("store-test", UUID.randomUUID().toString(), "fp-1");
        assertThat(store.claim(k).await().indefinitely()).isInstanceOf(Claim.Granted.class);
        assertThat(store.claim(k).await().indefinitely()).isInstanceOf(Claim.Running.class);
        IdempotencyKey other = new IdempotencyKey(k.scope(), k.key(), "fp-2");
        assertThat(store.claim(other).await().indefinitely()).isInstanceOf(Claim.OtherRequest.class);
        // a claim older than in-progress-timeout (its request died) is taken over by the same request only
        age(k, Duration.ofMinutes(2));
        assertThat(store.claim(other).await().indefinitely()).isInstanceOf(Claim.OtherRequest.class);
        assertThat(store.claim(k).await().indefinitely()).isInstanceOf(Claim.Granted.class);
        store.complete(k, new StoredAnswer(201, "/api/v1/tenants/x", "{\"id\":\"x\"}")).await().indefinitely();
        Claim answered = store.claim(k).await().indefinitely();
        assertThat(answered).isEqualTo(new Claim.Answered(new StoredAnswer(201, "/api/v1/tenants/x", "{\"id\":\"x\"}")));
        // past its retention the key is anyone's again, and the sweeper deletes it
        age(k, Duration.ofHours(25));
        assertThat(store.claim(other).await().indefinitely()).isInstanceOf(Claim.Granted.class);
        age(other, Duration.ofHours(25));
        sweeper.sweep().await().indefinitely();
        assertThat(pool.preparedQuery("SELECT count(*) AS n FROM idempotency_key WHERE scope = $1 AND idem_key = $2")
                .execute(Tuple.of(k.scope(), k.key())).await().indefinitely().iterator().next().getLong("n")).isZero();
    }

    private void age(IdempotencyKey k, Duration by) {
        pool.preparedQuery("UPDATE idempotency_key SET created_at = created_at - make_interval(secs => $3)"
                        + " WHERE scope = $1 AND idem_key = $2")
                .execute(Tuple.of(k.scope(), k.key(), (double) by.toSeconds())).await().indefinitely();
    }

    private long tenantsNamed(String name) {
        return pool.preparedQuery("SELECT count(*) AS n FROM tenant WHERE name = $1").execute(Tuple.of(name))
                .await().indefinitely().iterator().next().getLong("n");
    }
}
