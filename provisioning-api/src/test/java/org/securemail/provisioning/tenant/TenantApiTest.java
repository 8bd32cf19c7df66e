package org.securemail.provisioning.tenant;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.securemail.provisioning.Api.hop;
import static org.securemail.provisioning.Api.operator;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TenantApiTest {

    @Test
    void operatorCreatesReadsRenamesAndDeletesATenant() {
        String id = operator().body(Map.of("name", "Acme Mail")).post("/api/v1/tenants")
                .then().statusCode(201).body("name", equalTo("Acme Mail")).body("version", equalTo(0))
                .extract().path("id");
        operator().get("/api/v1/tenants/" + id).then().statusCode(200).body("createdAt", notNullValue());
        operator().body(Map.of("name", "Acme Corp", "version", 0)).put("/api/v1/tenants/" + id)
                .then().statusCode(200).body("name", equalTo("Acme Corp")).body("version", equalTo(1));
        operator().body(Map.of("name", "Acme Late", "version", 0)).put("/api/v1/tenants/" + id)
                .then().statusCode(409).body("type", equalTo("https://securemail.org/problems/version-conflict"));
        operator().delete("/api/v1/tenants/" + id).then().statusCode(204);
        operator().get("/api/v1/tenants/" + id).then().statusCode(404);
    }

    @Test
    void operatorListsTenantsPageByPage() {
        for (int i = 0; i < 3; i++) {
            Api.createTenant("page-" + i);
        }
        String cursor = operator().queryParam("limit", 2).get("/api/v1/tenants")
                .then().statusCode(200).body("items", hasSize(2)).extract().path("nextCursor");
        operator().queryParam("limit", 2).queryParam("cursor", cursor).get("/api/v1/tenants")
                .then().statusCode(200).body("items.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }

    @Test
    void aTenantThatStillOwnsDomainsCannotBeDeleted() {
        String id = Api.createTenant("busy");
        operator().body(Map.of("tenantId", id, "name", Api.uniqueDomain(), "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(201);
        operator().delete("/api/v1/tenants/" + id).then().statusCode(409)
                .body("type", equalTo("https://securemail.org/problems/conflict"));
    }

    @Test
    void aTenantKeySeesOnlyItsOwnTenantAndCannotManageTenants() {
        String id = Api.createTenant("self");
        String key = Api.tenantKey(id);
        Api.as(key).get("/api/v1/tenants/" + id).then().statusCode(200);
        Api.as(key).get("/api/v1/tenants").then().statusCode(200).body("items", hasSize(1)).body("items[0].id", equalTo(id));
        Api.as(key).body(Map.of("name", "mine")).post("/api/v1/tenants").then().statusCode(403)
                .contentType("application/problem+json").body("type", equalTo("https://securemail.org/problems/forbidden"));
        Api.as(key).body(Map.of("name", "x", "version", 0)).put("/api/v1/tenants/" + id).then().statusCode(403);
        Api.as(key).delete("/api/v1/tenants/" + id).then().statusCode(403);
    }

    @Test
    void blankNameIsAValidationError() {
        operator().body(Map.of("name", " ")).post("/api/v1/tenants").then().statusCode(400)
                .body("type", equalTo("https://securemail.org/problems/validation"))
                .body("errors[0].field", equalTo("name"));
        operator().body("[]").post("/api/v1/tenants").then().statusCode(400);
        operator().get("/api/v1/tenants/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
    }
}
