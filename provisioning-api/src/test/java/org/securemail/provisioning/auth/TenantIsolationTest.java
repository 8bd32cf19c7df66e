package org.securemail.provisioning.auth;

import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.securemail.provisioning.Api.hop;
import static org.securemail.provisioning.Api.operator;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Tenant A's key against tenant B's resources, for every resource: never B's data, never a change to it. */
@QuarkusTest
class TenantIsolationTest {

    @Inject
    Pool pool;

    String tenantA;
    String tenantB;
    String keyA;
    String domainB;
    String recipientB;
    String userB;
    String apiKeyB;
    String messageB;

    @BeforeEach
    void twoTenants() {
        tenantA = Api.createTenant("A");
        tenantB = Api.createTenant("B");
        keyA = Api.tenantKey(tenantA);
        var createdB = operator().body(Map.of("role", "TENANT", "tenantId", tenantB)).post("/api/v1/api-keys")
                .then().statusCode(201).extract();
        String keyB = createdB.path("key");
        apiKeyB = createdB.path("id");
        domainB = Api.as(keyB).body(Map.of("name", Api.uniqueDomain(), "nextHops", List.of(hop("mx.b.example"))))
                .post("/api/v1/domains").then().statusCode(201).extract().path("id");
        recipientB = Api.as(keyB).body(Map.of("localPart", "b")).post("/api/v1/domains/" + domainB + "/recipients")
                .then().statusCode(201).extract().path("id");
        userB = Api.as(keyB).body(Map.of("username", "b" + System.nanoTime(), "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(201).extract().path("id");
        messageB = "ISO" + UUID.randomUUID().toString().substring(0, 8);
        pool.preparedQuery("INSERT INTO tracked_message (queue_id, tenant_id, sender, size_bytes, received_at)"
                        + " VALUES ($1, $2, 'b@b.example', 10, $3)")
                .execute(Tuple.of(messageB, UUID.fromString(tenantB), OffsetDateTime.now())).await().indefinitely();
    }

    private RequestSpecification a() {
        return Api.as(keyA);
    }

    @Test
    void tenants() {
        a().get("/api/v1/tenants/" + tenantB).then().statusCode(404);
        a().get("/api/v1/tenants").then().statusCode(200).body("items.id", everyItem(equalTo(tenantA)));
        a().delete("/api/v1/tenants/" + tenantB).then().statusCode(403);
    }

    @Test
    void domains() {
        a().get("/api/v1/domains/" + domainB).then().statusCode(404);
        a().body(Map.of("version", 0, "inboundEnabled", false, "nextHops", List.of(), "recipientListOnly", false,
                "maxMessageSize", 0, "outboundAllowed", true)).put("/api/v1/domains/" + domainB).then().statusCode(404);
        a().delete("/api/v1/domains/" + domainB).then().statusCode(404);
        a().queryParam("limit", 200).get("/api/v1/domains").then().statusCode(200).body("items.id", not(hasItem(domainB)));
        a().body(Map.of("tenantId", tenantB, "name", Api.uniqueDomain(), "nextHops", List.of(hop("mx.a.example"))))
                .post("/api/v1/domains").then().statusCode(403);
        operator().get("/api/v1/domains/" + domainB).then().statusCode(200).body("version", equalTo(0));
    }

    @Test
    void policies() {
        a().get("/api/v1/domains/" + domainB + "/policy").then().statusCode(404);
        a().body(Map.of("spf", "OFF", "dmarc", "OFF", "dnsblZones", List.of(), "version", 0))
                .put("/api/v1/domains/" + domainB + "/policy").then().statusCode(404);
        operator().get("/api/v1/domains/" + domainB + "/policy").then().statusCode(200).body("spf", equalTo("TAG"));
    }

    @Test
    void recipients() {
        a().get("/api/v1/domains/" + domainB + "/recipients").then().statusCode(404);
        a().get("/api/v1/domains/" + domainB + "/recipients/" + recipientB).then().statusCode(404);
        a().body(Map.of("localPart", "intruder")).post("/api/v1/domains/" + domainB + "/recipients").then().statusCode(404);
        a().delete("/api/v1/domains/" + domainB + "/recipients/" + recipientB).then().statusCode(404);
        operator().get("/api/v1/domains/" + domainB + "/recipients/" + recipientB).then().statusCode(200);
    }

    @Test
    void recipientsOfAnotherTenantsDomainAreNotReachableThroughOwnDomain() {
        String domainA = a().body(Map.of("name", Api.uniqueDomain(), "nextHops", List.of(hop("mx.a.example"))))
                .post("/api/v1/domains").then().statusCode(201).extract().path("id");
        a().get("/api/v1/domains/" + domainA + "/recipients/" + recipientB).then().statusCode(404);
        a().delete("/api/v1/domains/" + domainA + "/recipients/" + recipientB).then().statusCode(404);
    }

    @Test
    void smtpUsers() {
        a().get("/api/v1/smtp-users/" + userB).then().statusCode(404);
        a().body(Map.of("version", 0, "password", "takeover password")).put("/api/v1/smtp-users/" + userB).then().statusCode(404);
        a().delete("/api/v1/smtp-users/" + userB).then().statusCode(404);
        a().queryParam("limit", 200).get("/api/v1/smtp-users").then().statusCode(200).body("items.id", not(hasItem(userB)));
        a().body(Map.of("tenantId", tenantB, "username", "x" + System.nanoTime(), "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(403);
        operator().get("/api/v1/smtp-users/" + userB).then().statusCode(200).body("version", equalTo(0));
    }

    @Test
    void apiKeys() {
        a().get("/api/v1/api-keys/" + apiKeyB).then().statusCode(404);
        a().delete("/api/v1/api-keys/" + apiKeyB).then().statusCode(404);
        a().queryParam("limit", 200).get("/api/v1/api-keys").then().statusCode(200)
                .body("items.tenantId", everyItem(equalTo(tenantA)));
        operator().get("/api/v1/api-keys/" + apiKeyB).then().statusCode(200);
    }

    @Test
    void messages() {
        a().get("/api/v1/messages/" + messageB).then().statusCode(404);
        a().queryParam("sender", "b@b.example").queryParam("limit", 200).get("/api/v1/messages").then().statusCode(200)
                .body("items.queueId", not(hasItem(messageB)));
        operator().get("/api/v1/messages/" + messageB).then().statusCode(200);
    }
}
