package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.idempotency.IdempotencyKey;

import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code /api/v1/webhooks} against the real PostgreSQL: every endpoint, the secret shown once and stored sealed, and
 * hostile input. The test profile allows three endpoints a tenant, http and loopback (for the delivery tests' receiver)
 * but no other internal network.
 */
@QuarkusTest
class WebhookApiTest {

    private static final String PATH = "/api/v1/webhooks";
    private static final String URL = "https://hooks.acme.example/securemail";

    @Inject
    Pool pool;

    String tenant;
    String key;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("webhooks");
        key = Api.tenantKey(tenant);
    }

    @Test
    void createsWithTheSecretShownOnceListsReadsAndDeletes() {
        Response created = Api.as(key).body(Map.of("url", " https://Hooks.ACME.example/securemail ",
                "eventTypes", List.of("message.bounced", "message.delivered", "message.bounced"),
                "description", "bounce handling")).post(PATH);
        String id = created.then().statusCode(201)
                .body("url", equalTo(URL)).body("eventTypes", contains("message.bounced", "message.delivered"))
                .body("enabled", equalTo(true)).body("tenantId", equalTo(tenant))
                .body("consecutiveFailures", equalTo(0)).body("description", equalTo("bounce handling"))
                .body("secret", startsWith("whsec_")).extract().path("id");
        String secret = created.path("secret");
        assertThat(created.header("Location")).endsWith(PATH + "/" + id);

        Api.as(key).get(PATH + "/" + id).then().statusCode(200).body("url", equalTo(URL)).body("$", not(hasKey("secret")));
        Api.as(key).get(PATH).then().statusCode(200).body("items.id", contains(id))
                .body("items[0]", not(hasKey("secret")));
        // stored sealed: the secret is nowhere in the row
        String stored = pool.preparedQuery("SELECT secret FROM webhook_endpoint WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getString(0);
        assertThat(stored).startsWith("v1:").doesNotContain(secret.substring("whsec_".length()));

        Api.as(key).delete(PATH + "/" + id).then().statusCode(204);
        Api.as(key).get(PATH + "/" + id).then().statusCode(404).contentType("application/problem+json");
        Api.as(key).get(PATH).then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void rotatingGivesANewSecretOnceAndKeepsTheOldOneSigningForAWhile() {
        Map<String, Object> made = Api.as(key).body(body(URL)).post(PATH).then().statusCode(201).extract().as(Map.class);
        String id = (String) made.get("id");

        Response rotated = Api.as(key).post(PATH + "/" + id + "/rotate-secret");
        rotated.then().statusCode(200).body("secret", startsWith("whsec_")).body("previousSecretExpiresAt", notNullValue())
                .body("version", equalTo(1));
        assertThat((String) rotated.path("secret")).isNotEqualTo(made.get("secret"));
        Api.as(key).get(PATH + "/" + id).then().statusCode(200).body("$", not(hasKey("secret")))
                .body("previousSecretExpiresAt", notNullValue());
    }

    @Test
    void enablingAnEnabledEndpointChangesNothingAndADisabledOneStartsAfresh() {
        String id = Api.as(key).body(body(URL)).post(PATH).then().statusCode(201).extract().path("id");
        Api.as(key).post(PATH + "/" + id + "/enable").then().statusCode(200).body("enabled", equalTo(true))
                .body("version", equalTo(0));
        pool.preparedQuery("UPDATE webhook_endpoint SET enabled = false, disabled_at = now(), disabled_reason = 'x',"
                + " failing_since = now(), consecutive_failures = 7 WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
                .await().atMost(Duration.ofSeconds(5));
        Api.as(key).get(PATH + "/" + id).then().body("enabled", equalTo(false)).body("disabledReason", equalTo("x"))
                .body("consecutiveFailures", equalTo(7));
        Api.as(key).post(PATH + "/" + id + "/enable").then().statusCode(200).body("enabled", equalTo(true))
                .body("disabledAt", nullValue()).body("disabledReason", nullValue()).body("failingSince", nullValue())
                .body("consecutiveFailures", equalTo(0));
    }

    /** The private-address rule of next hops, applied to the URL when it is given (ADR 0059, 0078). */
    @Test
    void internalAddressesAreRefusedAsTheyAreForNextHops() {
        for (String url : List.of("https://10.0.0.5/h", "https://192.168.1.10/h", "https://169.254.169.254/latest",
                "https://[::ffff:10.0.0.5]/h", "https://[fd12::1]/h", "https://0.0.0.0/h", "https://100.64.1.1/h")) {
            Api.as(key).body(body(url)).post(PATH).then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://securemail.org/problems/validation"))
                    .body("errors[0].field", equalTo("url")).body("errors[0].message", containsString("internal"));
        }
        // the same check as a domain's next hops: one validator
        Api.operator().body(Map.of("tenantId", tenant, "name", Api.uniqueDomain(), "inboundEnabled", true,
                        "nextHops", List.of(Api.hop("10.0.0.5")))).post("/api/v1/domains").then().statusCode(400)
                .body("errors[0].field", equalTo("nextHops[0].host")).body("errors[0].message", containsString("internal"));
    }

    @Test
    void badInputGetsAProblemNamingTheField() {
        for (String url : List.of("", "not a url", "ftp://hooks.example/h", "https://user:pw@hooks.example/h",
                "https://hooks.example/h#x", "https://exa_mple.com/h", "https://hooks.example:0/h",
                "https://hooks.example/\r\nX-Injected: 1", "https://" + "a".repeat(64) + ".example/h")) {
            Api.as(key).body(body(url)).post(PATH).then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("url"));
        }
        Api.as(key).body(body("https://hooks.example/" + "a".repeat(2048))).post(PATH).then().statusCode(400)
                .body("errors[0].field", equalTo("url"));
        Api.as(key).body(Map.of("url", URL, "eventTypes", List.of())).post(PATH).then().statusCode(400)
                .body("errors[0].field", containsString("eventTypes"));
        Api.as(key).body(Map.of("url", URL, "eventTypes", List.of("message.delivered", "message.opened"))).post(PATH)
                .then().statusCode(400).body("errors[0].field", equalTo("eventTypes[1]"))
                .body("errors[0].message", containsString("message.quarantined"));
        Api.as(key).body(Map.of("url", URL, "eventTypes", java.util.Collections.nCopies(11, "message.delivered")))
                .post(PATH).then().statusCode(400);
        Api.as(key).body(Map.of("url", URL, "eventTypes", List.of("x".repeat(41)))).post(PATH).then().statusCode(400);
        Map<String, Object> longDescription = new HashMap<>(body(URL));
        longDescription.put("description", "d".repeat(201));
        Api.as(key).body(longDescription).post(PATH).then().statusCode(400)
                .body("errors[0].field", containsString("description"));
        Map<String, Object> unknown = new HashMap<>(body(URL));
        unknown.put("secret", "whsec_mine");
        Api.as(key).body(unknown).post(PATH).then().statusCode(400)
                .body("type", equalTo("https://securemail.org/problems/unknown-field"));
        Api.as(key).body(Map.of("eventTypes", List.of("message.delivered"))).post(PATH).then().statusCode(400);
        Api.as(key).queryParam("limit", 0).get(PATH).then().statusCode(400);
        Api.as(key).queryParam("cursor", "x").get(PATH).then().statusCode(400);
        Api.as(key).queryParam("type", "message.delivered").get(PATH + "/events").then().statusCode(400);
    }

    @Test
    void aTenantHasABoundedNumberOfEndpointsAndTheCreateIsIdempotentWithoutKeepingTheSecret() {
        Response first = Api.as(key).header(IdempotencyKey.HEADER, "hook-1").body(body(URL)).post(PATH);
        String id = first.then().statusCode(201).extract().path("id");
        // a retry of the same request creates nothing; its answer never holds the secret (shown once, kept nowhere else)
        Api.as(key).header(IdempotencyKey.HEADER, "hook-1").body(body(URL)).post(PATH).then().statusCode(201)
                .header(IdempotencyKey.REPLAYED_HEADER, equalTo("true")).body("id", equalTo(id))
                .body("$", not(hasKey("secret")));
        String kept = pool.preparedQuery("SELECT body FROM idempotency_key WHERE idem_key = 'hook-1'"
                        + " AND position($1 in body) > 0").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getString(0);
        assertThat(kept).contains(id).doesNotContain((String) first.path("secret")).doesNotContain("whsec_");

        Api.as(key).body(body(URL + "/2")).post(PATH).then().statusCode(201);
        Api.as(key).body(body(URL + "/3")).post(PATH).then().statusCode(201);
        Api.as(key).body(body(URL + "/4")).post(PATH).then().statusCode(409)
                .body("type", equalTo("https://securemail.org/problems/conflict"))
                .body("detail", containsString("at most 3"));
        Api.as(key).delete(PATH + "/" + id).then().statusCode(204);
        Api.as(key).body(body(URL + "/4")).post(PATH).then().statusCode(201);
    }

    @Test
    void anotherTenantsEndpointIsNotFoundAndNeverListed() {
        String other = Api.tenantKey(Api.createTenant("other"));
        String id = Api.as(other).body(body(URL)).post(PATH).then().statusCode(201).extract().path("id");
        String otherTenant = Api.as(other).get(PATH + "/" + id).then().extract().path("tenantId");

        Api.as(key).get(PATH + "/" + id).then().statusCode(404)
                .body("type", equalTo("https://securemail.org/problems/not-found"));
        Api.as(key).delete(PATH + "/" + id).then().statusCode(404);
        Api.as(key).post(PATH + "/" + id + "/rotate-secret").then().statusCode(404);
        Api.as(key).post(PATH + "/" + id + "/enable").then().statusCode(404);
        Api.as(key).get(PATH).then().statusCode(200).body("items.size()", equalTo(0));
        Api.as(key).get(PATH + "/events").then().statusCode(200).body("items.size()", equalTo(0));
        Map<String, Object> forOther = new HashMap<>(body(URL));
        forOther.put("tenantId", otherTenant);
        Api.as(key).body(forOther).post(PATH).then().statusCode(403);
        Api.as(other).get(PATH + "/" + id).then().statusCode(200);
        Api.as(key).get(PATH + "/not-a-uuid").then().statusCode(404);
        // an operator names the tenant
        Api.operator().body(body(URL)).post(PATH).then().statusCode(400);
        Map<String, Object> forTenant = new HashMap<>(body(URL));
        forTenant.put("tenantId", tenant);
        Api.operator().body(forTenant).post(PATH).then().statusCode(201).body("tenantId", equalTo(tenant));
    }

    @Test
    void deletingATenantDeletesItsWebhooks() {
        String doomed = Api.createTenant("doomed");
        Map<String, Object> forDoomed = new HashMap<>(body(URL));
        forDoomed.put("tenantId", doomed);
        String id = Api.operator().body(forDoomed).post(PATH).then().statusCode(201).extract().path("id");
        Api.operator().delete("/api/v1/tenants/" + doomed).then().statusCode(204);
        Api.operator().get(PATH + "/" + id).then().statusCode(404);
    }

    static Map<String, Object> body(String url) {
        return Map.of("url", url, "eventTypes", List.of("message.delivered", "message.bounced"));
    }
}
