package org.securemail.provisioning.domain;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.containsString;
import static org.securemail.provisioning.Api.hop;
import static org.securemail.provisioning.Api.operator;
import static org.securemail.provisioning.Api.uniqueDomain;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DomainApiTest {

    String tenant;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("domains-" + System.nanoTime());
    }

    @Test
    void createsReadsUpdatesAndDeletesADomain() {
        String id = operator().body(Map.of("tenantId", tenant, "name", "Bücher.Example.", "nextHops",
                        List.of(hop("MX2.Customer.example"), Map.of("host", "192.0.2.10", "port", 2525, "preference", 5))))
                .post("/api/v1/domains")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/domains/"))
                .body("name", equalTo("xn--bcher-kva.example"))
                .body("unicodeName", equalTo("bücher.example"))
                .body("nextHops.host", contains("192.0.2.10", "mx2.customer.example"))
                .body("nextHops[0].tls", equalTo("OPPORTUNISTIC"))
                .body("policy.spf", equalTo("TAG"))
                .body("version", equalTo(0))
                .extract().path("id");

        operator().get("/api/v1/domains/" + id).then().statusCode(200).body("tenantId", equalTo(tenant));

        operator().body(Map.of("version", 0, "inboundEnabled", true, "nextHops", List.of(hop("mx.new.example")),
                        "recipientListOnly", true, "maxMessageSize", 1048576, "outboundAllowed", false))
                .put("/api/v1/domains/" + id)
                .then().statusCode(200)
                .body("version", equalTo(1))
                .body("recipientListOnly", equalTo(true))
                .body("nextHops.host", contains("mx.new.example"));

        operator().delete("/api/v1/domains/" + id).then().statusCode(204);
        operator().get("/api/v1/domains/" + id).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://securemail.org/problems/not-found"));
    }

    @Test
    void duplicateDomainIsAConflict() {
        String name = uniqueDomain();
        operator().body(Map.of("tenantId", tenant, "name", name, "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(201);
        operator().body(Map.of("tenantId", tenant, "name", name.toUpperCase(), "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://securemail.org/problems/duplicate"));
    }

    @Test
    void staleVersionIsAConflict() {
        String id = operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(), "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(201).extract().path("id");
        Map<String, Object> update = Map.of("version", 0, "inboundEnabled", true, "nextHops", List.of(hop("a.example.net")),
                "recipientListOnly", false, "maxMessageSize", 0, "outboundAllowed", true);
        operator().body(update).put("/api/v1/domains/" + id).then().statusCode(200);
        operator().body(update).put("/api/v1/domains/" + id)
                .then().statusCode(409).body("type", equalTo("https://securemail.org/problems/version-conflict"));
    }

    @Test
    void concurrentCreatesOfOneNameGiveOneDomainAndConflictsNeverAnError() {
        String name = uniqueDomain();
        List<Integer> statuses = parallel(8, () -> operator()
                .body(Map.of("tenantId", tenant, "name", name, "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().extract().statusCode());
        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    }

    @Test
    void concurrentUpdatesFromOneVersionLetOneWinAndTheOthersConflict() {
        String id = operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(), "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(201).extract().path("id");
        List<Integer> statuses = parallel(8, () -> operator()
                .body(Map.of("version", 0, "inboundEnabled", true, "nextHops", List.of(hop("mx.example.net")),
                        "recipientListOnly", false, "maxMessageSize", 0, "outboundAllowed", true))
                .put("/api/v1/domains/" + id).then().extract().statusCode());
        assertThat(statuses).containsOnly(200, 409);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        operator().get("/api/v1/domains/" + id).then().body("version", equalTo(1));
    }

    private static List<Integer> parallel(int n, java.util.concurrent.Callable<Integer> call) {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Integer> out = new java.util.ArrayList<>();
            for (var f : futures) {
                out.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidDomainInputGivesFieldErrors() {
        operator().body(Map.of("tenantId", tenant, "name", "not a domain", "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://securemail.org/problems/validation"))
                .body("errors[0].field", equalTo("name"));
        operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(),
                        "nextHops", List.of(Map.of("host", "mx.example.net", "port", 70000, "preference", 1))))
                .post("/api/v1/domains")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("nextHops[0].port"));
        operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(), "nextHops", List.of()))
                .post("/api/v1/domains")
                .then().statusCode(400).body("errors[0].field", equalTo("nextHops"));
    }

    /** Issue 12: a next hop is not a way into the provider's own network, nor a port scanner. */
    @Test
    void internalAddressesAndNonSmtpPortsAreNotNextHops() {
        for (String internal : List.of("127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "[::1]", "0.0.0.0",
                "::ffff:127.0.0.1", "fd00::25")) {
            operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(),
                            "nextHops", List.of(Map.of("host", internal, "port", 25, "preference", 1))))
                    .post("/api/v1/domains")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("nextHops[0].host"))
                    .body("errors[0].message", containsString("internal address"));
        }
        for (int port : List.of(22, 80, 6379, 9092)) {
            operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(),
                            "nextHops", List.of(hop("mx.example.net"), Map.of("host", "192.0.2.7", "port", port, "preference", 1))))
                    .post("/api/v1/domains")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("nextHops[1].port"));
        }
        for (int port : List.of(25, 465, 587, 2525)) {
            operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(),
                            "nextHops", List.of(Map.of("host", "192.0.2.7", "port", port, "preference", 1))))
                    .post("/api/v1/domains")
                    .then().statusCode(201);
        }
    }

    @Test
    void malformedJsonAndUnknownFieldsAreRejected() {
        operator().body("{\"name\": ").post("/api/v1/domains")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://securemail.org/problems/malformed-json"))
                .body("detail", notNullValue());
        operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(), "nextHops", List.of(hop("mx.example.net")),
                        "colour", "blue"))
                .post("/api/v1/domains")
                .then().statusCode(400)
                .body("type", equalTo("https://securemail.org/problems/unknown-field"))
                .body("errors[0].field", equalTo("colour"));
        operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(), "nextHops",
                        List.of(Map.of("host", "mx.example.net", "port", 25, "preference", 1, "tls", "SOMETIMES"))))
                .post("/api/v1/domains")
                .then().statusCode(400)
                .body("type", equalTo("https://securemail.org/problems/validation"))
                .body("errors[0].field", equalTo("nextHops[0].tls"));
    }

    @Test
    void listIsPaginatedWithACursor() {
        for (int i = 0; i < 3; i++) {
            operator().body(Map.of("tenantId", tenant, "name", uniqueDomain(), "nextHops", List.of(hop("mx.example.net"))))
                    .post("/api/v1/domains").then().statusCode(201);
        }
        String key = Api.tenantKey(tenant);
        String cursor = Api.as(key).queryParam("limit", 2).get("/api/v1/domains")
                .then().statusCode(200).body("items", hasSize(2)).body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        Api.as(key).queryParam("limit", 2).queryParam("cursor", cursor).get("/api/v1/domains")
                .then().statusCode(200).body("items", hasSize(1)).body("nextCursor", nullValue());
        Api.as(key).queryParam("limit", 0).get("/api/v1/domains").then().statusCode(400);
        Api.as(key).queryParam("cursor", "garbage").get("/api/v1/domains").then().statusCode(400)
                .body("type", equalTo("https://securemail.org/problems/bad-request"));
    }

    @Test
    void requestsWithoutAValidKeyAreUnauthorized() {
        given().get("/api/v1/domains").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("https://securemail.org/problems/unauthorized"));
        given().header("X-API-Key", "smk_nope").get("/api/v1/domains").then().statusCode(401);
    }
}
