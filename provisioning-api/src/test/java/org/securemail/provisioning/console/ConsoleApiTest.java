package org.securemail.provisioning.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.securemail.provisioning.Api.operator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The console's sign-in (cookie, CSRF, refusals), its pages' headers and its views, against the real broker and database. */
@QuarkusTest
class ConsoleApiTest {

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    private static Response signIn(String key) {
        return given().contentType(ContentType.JSON).body(Map.of("key", key)).post("/console/session");
    }

    private static String cookie(Response signedIn) {
        return signedIn.then().statusCode(200).extract().cookie(ConsoleSessions.COOKIE);
    }

    @Test
    void anOperatorKeyOpensAnHttpOnlyStrictSessionThatTheApiAccepts() {
        Response response = signIn(Api.OPERATOR_KEY);
        response.then().statusCode(200).body("csrfToken", notNullValue()).body("refreshMillis", equalTo(2000));
        String setCookie = response.getHeader("Set-Cookie");
        assertThat(setCookie).startsWith(ConsoleSessions.COOKIE + "=v1.").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Path=/").doesNotContain(Api.OPERATOR_KEY);
        String cookie = cookie(response);

        given().cookie(ConsoleSessions.COOKIE, cookie).get("/api/v1/console/queues").then().statusCode(200)
                .body("oldest", notNullValue());
        given().cookie(ConsoleSessions.COOKIE, cookie).get("/console/session").then().statusCode(200)
                .body("csrfToken", equalTo(response.path("csrfToken")));
    }

    @Test
    void aTenantKeyAnUnknownKeyAndNoKeyAreRefused() {
        String tenantKey = Api.tenantKey(Api.createTenant("console-refused"));
        signIn(tenantKey).then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("for operators")).header("Set-Cookie", org.hamcrest.Matchers.nullValue());
        signIn("smk_not-a-key").then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{}").post("/console/session").then().statusCode(400)
                .contentType("application/problem+json");
        signIn("k".repeat(ConsoleSessionResource.MAX_KEY_CHARS + 1)).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("key", Api.OPERATOR_KEY, "extra", 1)).post("/console/session")
                .then().statusCode(400);
        given().get("/console/session").then().statusCode(401).contentType("application/problem+json");
        // a tenant key cannot read the console's views with its own key either
        Api.as(tenantKey).get("/api/v1/console/dns").then().statusCode(403);
    }

    @Test
    void aForgedOrTamperedCookieIsRefused() {
        String cookie = cookie(signIn(Api.OPERATOR_KEY));
        String tampered = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("AA") ? "BB" : "AA");
        for (String bad : List.of(tampered, "v1." + UUID.randomUUID() + ".9999999999.AAAA.AAAA", "<script>", "x".repeat(5000))) {
            given().cookie(ConsoleSessions.COOKIE, bad).get("/api/v1/console/queues").then().statusCode(401)
                    .contentType("application/problem+json").body(not(containsString("Exception")));
        }
    }

    @Test
    void aChangeThroughTheSessionNeedsItsCsrfToken() {
        Response signedIn = signIn(Api.OPERATOR_KEY);
        String cookie = cookie(signedIn);
        String csrf = signedIn.path("csrfToken");
        String body = "{\"name\":\"console-csrf\"}";
        given().cookie(ConsoleSessions.COOKIE, cookie).contentType(ContentType.JSON).body(body).post("/api/v1/tenants")
                .then().statusCode(403).body("detail", containsString("X-CSRF-Token"));
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, "forged").contentType(ContentType.JSON)
                .body(body).post("/api/v1/tenants").then().statusCode(403);
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf).contentType(ContentType.JSON)
                .body(body).post("/api/v1/tenants").then().statusCode(201);
        // signing out clears the cookie
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf).delete("/console/session")
                .then().statusCode(204).header("Set-Cookie", containsString("Max-Age=0"));
    }

    @Test
    void queueOperationsThroughTheSessionNeedTheCsrfTokenAndRefuseHostileInputAsProblems() {
        Response signedIn = signIn(Api.OPERATOR_KEY);
        String cookie = cookie(signedIn);
        String csrf = signedIn.path("csrfToken");
        String reason = "{\"reason\":\"the zone answers again\"}";
        String retry = "/api/v1/queue/destinations/console-ops.example/retry";

        // no token, a forged one: refused before anything is recorded
        given().cookie(ConsoleSessions.COOKIE, cookie).contentType(ContentType.JSON).body(reason).post(retry).then()
                .statusCode(403).contentType("application/problem+json").body("detail", containsString("X-CSRF-Token"));
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf + "x")
                .contentType(ContentType.JSON).body(reason).post("/api/v1/queue/messages/ABC123/delete").then()
                .statusCode(403).contentType("application/problem+json");
        operator().queryParam("target", "console-ops.example").get("/api/v1/queue/actions").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());

        // hostile queue ids, destinations and reasons: 400 problem+json with the bound, no trace of the server's insides
        List<Map.Entry<String, String>> refused = new java.util.ArrayList<>();
        refused.add(Map.entry("/api/v1/queue/messages/" + "Q".repeat(65) + "/hold", reason));
        refused.add(Map.entry("/api/v1/queue/messages/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/hold", reason));
        refused.add(Map.entry("/api/v1/queue/messages/ABC%20123/release", reason));
        refused.add(Map.entry("/api/v1/queue/destinations/" + "a".repeat(300) + ".example/retry", reason));
        refused.add(Map.entry("/api/v1/queue/destinations/not_a..domain/retry", reason));
        refused.add(Map.entry("/api/v1/queue/messages/ABC123/delete", "{\"reason\":\"" + "r".repeat(501) + "\"}"));
        refused.add(Map.entry("/api/v1/queue/messages/ABC123/hold", "{\"reason\":\"line\\u0007bell\"}"));
        refused.add(Map.entry("/api/v1/queue/messages/ABC123/hold", "{\"reason\":\"   \"}"));
        refused.add(Map.entry("/api/v1/queue/messages/ABC124/hold", "{}"));
        refused.add(Map.entry("/api/v1/queue/messages/ABC125/hold", "{\"reason\":\"x\",\"extra\":1}"));
        for (Map.Entry<String, String> request : refused) {
            Response refusal = given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf)
                    .contentType(ContentType.JSON).body(request.getValue()).post(request.getKey());
            assertThat(refusal.statusCode()).as("%s %s: %s", request.getKey(), request.getValue(), refusal.asString())
                    .isEqualTo(400);
            assertThat(refusal.contentType()).startsWith("application/problem+json");
            assertThat(refusal.<String>path("detail")).isNotBlank();
            assertThat(refusal.asString()).doesNotContain("Exception").doesNotContain("at org.");
        }
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf)
                .contentType(ContentType.JSON).body("{\"reason\":\"" + "r".repeat(501) + "\"}")
                .post("/api/v1/queue/messages/ABC123/delete").then().statusCode(400)
                .body("detail", containsString("reason")).body("detail", containsString("500"));
        // only a dead-letter topic can be replayed from, only onto its source
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf)
                .contentType(ContentType.JSON).body(reason)
                .post("/api/v1/queue/dead-letters/mail.ready/partitions/0/offsets/0/replay").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("dead-letter topic"));
        // a well-formed id that nothing tracks
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf)
                .contentType(ContentType.JSON).body(reason).post("/api/v1/queue/messages/NOSUCH0001/hold").then()
                .statusCode(404).contentType("application/problem+json");

        // with the token: done, and recorded as the session's operator
        given().cookie(ConsoleSessions.COOKIE, cookie).header(ConsoleSessions.CSRF_HEADER, csrf)
                .contentType(ContentType.JSON).body(reason).post(retry).then().statusCode(202)
                .body("action", equalTo("RETRY_DESTINATION")).body("operator", equalTo("bootstrap"));
        given().cookie(ConsoleSessions.COOKIE, cookie).queryParam("target", "console-ops.example")
                .get("/api/v1/queue/actions").then().statusCode(200).body("items.action", hasItem("RETRY_DESTINATION"))
                .body("items", org.hamcrest.Matchers.hasSize(1));
        // the pages' reads through the session: the waiting list and the trail
        given().cookie(ConsoleSessions.COOKIE, cookie).queryParam("limit", 200).get("/api/v1/queue").then().statusCode(200);
        given().cookie(ConsoleSessions.COOKIE, cookie).queryParam("domain", "<b>").get("/api/v1/queue").then()
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void revokingTheKeyEndsItsSessions() {
        Map<String, Object> created = operator().body(Map.of("role", "OPERATOR", "description", "console"))
                .post("/api/v1/api-keys").then().statusCode(201).extract().as(Map.class);
        String cookie = cookie(signIn((String) created.get("key")));
        given().cookie(ConsoleSessions.COOKIE, cookie).get("/api/v1/console/queues").then().statusCode(200);

        operator().delete("/api/v1/api-keys/" + created.get("id")).then().statusCode(204);
        given().cookie(ConsoleSessions.COOKIE, cookie).get("/api/v1/console/queues").then().statusCode(401)
                .body("detail", containsString("sign in again"));
    }

    @Test
    void thePagesCarryAStrictContentSecurityPolicy() {
        given().get("/console/index.html").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                .header("X-Content-Type-Options", "nosniff")
                .body(not(containsString("<script>"))).body(not(containsString("style=")));
        given().get("/console/console.js").then().statusCode(200).body(not(containsString("innerHTML")));
    }

    @Test
    void theQueuesViewShowsLagAndDeferredMailByDestinationAndReason() throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
        Instant t0 = Instant.now().minusSeconds(90);
        String tenant = Api.createTenant("console-queues");
        MailEnvelope env = new MailEnvelope(id, "app@console.example", List.of("bob@slow-dest.example"), "192.0.2.1",
                "client.example", "TLSv1.3", "app@console.example", tenant, Direction.OUTBOUND, t0, 100);
        broker.send(Topics.MAIL_ACCEPTED, id, "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.ENVELOPE, json.writeValueAsBytes(env)));
        broker.send(Topics.DELIVERY_EVENTS, id, json.writeValueAsBytes(new DeliveryEvent(id, "bob@slow-dest.example", 1,
                Outcome.DEFERRED, "mx.slow-dest.example[192.0.2.9]:25", "451 4.4.1 connection timed out",
                t0.plusSeconds(600), t0.plusSeconds(5))), Map.of());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> operator().get("/api/v1/console/queues").then()
                .statusCode(200)
                .body("deferredByDestination.destination", hasItem("slow-dest.example"))
                .body("deferredByReason.reason", hasItem(containsString("4.4.1 connection timed out")))
                .body("lag.group", hasItem("provisioning-tracking-delivery"))
                .body("lag.find { it.topic == 'delivery.events' }.stage", equalTo("tracking and webhooks"))
                .body("oldest.ageSeconds", org.hamcrest.Matchers.greaterThanOrEqualTo(85))
                .body("lagError", org.hamcrest.Matchers.nullValue()));
    }

    @Test
    void theDnsViewSaysWhenNoDnsServiceIsConfigured() {
        operator().get("/api/v1/console/dns").then().statusCode(200).body("configured", equalTo(false))
                .body("services", org.hamcrest.Matchers.empty());
    }

    @Test
    void anOversizedSearchIsRefusedWithItsBound() {
        operator().queryParam("recipient", "a".repeat(321)).get("/api/v1/messages").then().statusCode(400)
                .contentType("application/problem+json").body("detail", equalTo("recipient has at most 320 characters, got 321"));
        operator().get("/api/v1/messages/" + "Q".repeat(65)).then().statusCode(400)
                .body("detail", containsString("queueId has at most 64 characters"));
    }
}
