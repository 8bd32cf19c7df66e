package org.securemail.provisioning;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                .body("paths", hasKey("/api/v1/webhooks/{id}/rotate-secret"))
                .body("components.securitySchemes", hasKey("apiKey"))
                .body("components.schemas", hasKey("Problem"))
                .body("paths.'/api/v1/domains'.post.responses", hasKey("409"))
                .body("paths.'/api/v1/domains'.post.responses.'400'.content", hasKey("application/problem+json"))
                .body("paths.'/api/v1/messages'.get.responses", hasKey("401"));
    }

    /**
     * Issue 16 item 8: client generators need a unique operation id per operation (they were {@code get}, {@code list},
     * {@code create} in several resources), and a reader needs a summary and an example of what goes in and out.
     */
    @Test
    void everyOperationHasAUniqueIdASummaryAndExamplesOfItsBodies() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(given().accept("application/json").get("/q/openapi").then()
                .statusCode(200).extract().asString());
        JsonNode schemas = doc.path("components").path("schemas");
        Map<String, String> ids = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!Set.of("get", "post", "put", "delete", "patch").contains(op.getKey())) {
                    continue;
                }
                operations++;
                String where = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                String id = op.getValue().path("operationId").asText("");
                String before = ids.put(id, where);
                if (id.isEmpty() || before != null) {
                    problems.add(where + ": operation id '" + id + "' missing or also used by " + before);
                }
                if (op.getValue().path("summary").asText("").isBlank()) {
                    problems.add(where + ": no summary");
                }
                JsonNode request = op.getValue().path("requestBody").path("content").path("application/json");
                if (!request.isMissingNode() && !hasExample(request.path("schema"), schemas)) {
                    problems.add(where + ": request body without an example");
                }
                for (Map.Entry<String, JsonNode> response : op.getValue().path("responses").properties()) {
                    JsonNode body = response.getValue().path("content").path("application/json");
                    if (response.getKey().startsWith("2") && !body.isMissingNode()
                            && !hasExample(body.path("schema"), schemas)) {
                        problems.add(where + ": " + response.getKey() + " response without an example");
                    }
                }
            }
        }
        // creating requests answer 201 with a Location (Created.at), the verification check 202: so says the document
        for (String created : List.of("/api/v1/tenants", "/api/v1/domains", "/api/v1/smtp-users", "/api/v1/api-keys",
                "/api/v1/domains/{domainId}/recipients", "/api/v1/suppressions", "/api/v1/webhooks")) {
            assertThat(doc.path("paths").path(created).path("post").path("responses").has("201")).as(created).isTrue();
        }
        assertThat(doc.path("paths").path("/api/v1/domains/{id}/verification/check").path("post").path("responses")
                .has("202")).isTrue();
        assertThat(operations).as("operations in the document").isGreaterThanOrEqualTo(36);
        assertThat(problems).isEmpty();
    }

    /** An example on the schema (through its $ref), or on the schema of its items (a page of them). */
    private static boolean hasExample(JsonNode schema, JsonNode schemas) {
        JsonNode resolved = resolve(schema, schemas);
        if (example(resolved)) {
            return true;
        }
        JsonNode items = resolved.path("properties").path("items").path("items");
        return !items.isMissingNode() && example(resolve(items, schemas));
    }

    /** OpenAPI 3.1 schemas carry {@code examples} (a list); 3.0 ones {@code example}. */
    private static boolean example(JsonNode schema) {
        return schema.has("example") || schema.path("examples").size() > 0;
    }

    private static JsonNode resolve(JsonNode schema, JsonNode schemas) {
        String ref = schema.path("$ref").asText("");
        return ref.isEmpty() ? schema : schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
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
