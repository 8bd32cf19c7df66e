package org.securemail.provisioning.apikey;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.securemail.provisioning.Api.operator;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class ApiKeyApiTest {

    @Inject
    Pool pool;

    @Test
    void aKeyIsShownOnceStoredHashedAndWorksUntilRevoked() {
        var created = operator().body(Map.of("role", "OPERATOR", "description", "ops laptop"))
                .post("/api/v1/api-keys").then().statusCode(201)
                .body("key", startsWith("smk_")).body("role", equalTo("OPERATOR"))
                .extract();
        String id = created.path("id");
        String key = created.path("key");

        operator().get("/api/v1/api-keys/" + id).then().statusCode(200)
                .body("key", equalTo(null)).body("prefix", equalTo(key.substring(0, 10)));
        operator().queryParam("limit", 200).get("/api/v1/api-keys").then().statusCode(200)
                .body("items.key", not(hasItem(notNullValue())));
        String stored = pool.preparedQuery("SELECT key_hash FROM api_key WHERE id = $1::uuid").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getString("key_hash");
        assertThat(stored).hasSize(64).doesNotContain(key.substring(4));

        RestAssured.given().header("X-API-Key", key).get("/api/v1/tenants").then().statusCode(200);
        Api.as(key).delete("/api/v1/api-keys/" + id).then().statusCode(204);
        Api.as(key).get("/api/v1/tenants").then().statusCode(401);
        operator().get("/api/v1/api-keys/" + id).then().statusCode(404);
    }

    @Test
    void tenantKeysManageOnlyTheirOwnTenantsKeys() {
        String tenant = Api.createTenant("keys");
        String other = Api.createTenant("keys-other");
        String key = Api.tenantKey(tenant);
        String second = Api.as(key).body(Map.of("role", "TENANT")).post("/api/v1/api-keys")
                .then().statusCode(201).body("tenantId", equalTo(tenant)).extract().path("key");
        Api.as(second).get("/api/v1/tenants/" + tenant).then().statusCode(200);
        Api.as(key).body(Map.of("role", "OPERATOR")).post("/api/v1/api-keys").then().statusCode(403);
        Api.as(key).body(Map.of("role", "TENANT", "tenantId", other)).post("/api/v1/api-keys").then().statusCode(403);
    }

    @Test
    void invalidKeyRequestsAreProblems() {
        operator().body(Map.of("description", "no role")).post("/api/v1/api-keys").then().statusCode(400)
                .body("errors[0].field", equalTo("role"));
        operator().body(Map.of("role", "ROOT")).post("/api/v1/api-keys").then().statusCode(400)
                .body("errors[0].field", equalTo("role"));
        operator().body(Map.of("role", "TENANT")).post("/api/v1/api-keys").then().statusCode(400);
        operator().body(Map.of("role", "TENANT", "tenantId", "00000000-0000-0000-0000-000000000001"))
                .post("/api/v1/api-keys").then().statusCode(400);
        operator().body(Map.of("role", "OPERATOR", "tenantId", "00000000-0000-0000-0000-000000000001"))
                .post("/api/v1/api-keys").then().statusCode(400);
    }
}
