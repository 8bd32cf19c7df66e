package org.securemail.provisioning;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import org.securemail.testing.Management;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OpenApiAndHealthTest {

    @Test
    void openApiDescribesEveryResource() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/tenants"))
                .body("paths", hasKey("/api/v1/domains/{id}"))
                .body("paths", hasKey("/api/v1/domains/{domainId}/policy"))
                .body("paths", hasKey("/api/v1/domains/{domainId}/recipients"))
                .body("paths", hasKey("/api/v1/smtp-users"))
                .body("paths", hasKey("/api/v1/api-keys"))
                .body("paths", hasKey("/api/v1/messages/{queueId}"))
                .body("components.securitySchemes", hasKey("apiKey"))
                .body("components.schemas", hasKey("Problem"))
                .body("paths.'/api/v1/domains'.post.responses", hasKey("409"))
                .body("paths.'/api/v1/domains'.post.responses.'400'.content", hasKey("application/problem+json"))
                .body("paths.'/api/v1/messages'.get.responses", hasKey("401"));
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void healthAndMetricsAreNotOnTheApiPort() {
        // issue 12 item 8 / ADR 0062: whatever fronts the API port (a load balancer, an ingress) never reaches /q/*
        given().get("/q/metrics").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(404);
        given().get(Management.url("health/live")).then().statusCode(200);
    }

    @Test
    void readinessNeedsOnlyTheDatabase() {
        given().get(Management.url("health/ready")).then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", not(org.hamcrest.Matchers.hasItem("Kafka connection health check")));
    }

    @Test
    void outboxAndAuthMetricsAreExported() {
        given().get("/api/v1/tenants").then().statusCode(401);
        given().get(Management.url("metrics")).then().statusCode(200)
                .body(containsString("provisioning_auth_failures_total"))
                .body(containsString("provisioning_outbox_backlog"))
                .body(containsString("provisioning_outbox_published_total"))
                .body(containsString("provisioning_outbox_pending"));
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() {
        Api.operator().get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
        Api.operator().patch("/api/v1/tenants").then().statusCode(405).contentType("application/problem+json")
                .body("type", equalTo("https://securemail.org/problems/method-not-allowed"));
        Api.operator().contentType("text/plain").body("x").post("/api/v1/tenants").then().statusCode(415)
                .contentType("application/problem+json");
    }
}
