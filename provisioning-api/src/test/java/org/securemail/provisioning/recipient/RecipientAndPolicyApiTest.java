package org.securemail.provisioning.recipient;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.securemail.provisioning.Api.hop;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class RecipientAndPolicyApiTest {

    String key;
    String domainId;
    String domain;

    @BeforeEach
    void domain() {
        key = Api.tenantKey(Api.createTenant("recipients"));
        domain = Api.uniqueDomain();
        domainId = Api.as(key).body(Map.of("name", domain, "recipientListOnly", true, "nextHops", List.of(hop("mx.example.net"))))
                .post("/api/v1/domains").then().statusCode(201).extract().path("id");
    }

    @Test
    void addsListsAndRemovesRecipients() {
        String id = Api.as(key).body(Map.of("localPart", "Alice.Smith")).post("/api/v1/domains/" + domainId + "/recipients")
                .then().statusCode(201).body("localPart", equalTo("alice.smith"))
                .body("address", equalTo("alice.smith@" + domain)).extract().path("id");
        Api.as(key).body(Map.of("localPart", "bob")).post("/api/v1/domains/" + domainId + "/recipients").then().statusCode(201);
        Api.as(key).body(Map.of("localPart", "ALICE.smith")).post("/api/v1/domains/" + domainId + "/recipients")
                .then().statusCode(409).body("type", equalTo("https://securemail.org/problems/duplicate"));
        Api.as(key).queryParam("limit", 1).get("/api/v1/domains/" + domainId + "/recipients").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("nextCursor", org.hamcrest.Matchers.notNullValue());
        Api.as(key).get("/api/v1/domains/" + domainId + "/recipients/" + id).then().statusCode(200);
        Api.as(key).delete("/api/v1/domains/" + domainId + "/recipients/" + id).then().statusCode(204);
        Api.as(key).get("/api/v1/domains/" + domainId + "/recipients/" + id).then().statusCode(404);
        Api.as(key).get("/api/v1/domains/" + domainId + "/recipients").then().statusCode(200)
                .body("items.localPart", contains("bob"));
    }

    @Test
    void invalidLocalPartsAreRejected() {
        for (String bad : List.of("", "a b", "a..b", "x".repeat(65), "a@b")) {
            Api.as(key).body(Map.of("localPart", bad)).post("/api/v1/domains/" + domainId + "/recipients")
                    .then().statusCode(400).body("errors[0].field", equalTo("localPart"));
        }
        Api.as(key).body(Map.of("localPart", "a")).post("/api/v1/domains/00000000-0000-0000-0000-000000000000/recipients")
                .then().statusCode(404);
    }

    @Test
    void policyIsReadAndReplacedWithOptimisticLocking() {
        Api.as(key).get("/api/v1/domains/" + domainId + "/policy").then().statusCode(200)
                .body("spf", equalTo("TAG")).body("dmarc", equalTo("TAG")).body("version", equalTo(0));
        Api.as(key).body(Map.of("spf", "REJECT", "dmarc", "OFF", "dnsblZones", List.of("Zen.Spamhaus.org.", "zen.spamhaus.org", "bl.example"), "version", 0))
                .put("/api/v1/domains/" + domainId + "/policy").then().statusCode(200)
                .body("spf", equalTo("REJECT")).body("dnsblZones", contains("zen.spamhaus.org", "bl.example"))
                .body("version", equalTo(1));
        Api.as(key).get("/api/v1/domains/" + domainId).then().body("policy.spf", equalTo("REJECT")).body("version", equalTo(1));
        Api.as(key).body(Map.of("spf", "OFF", "dmarc", "OFF", "dnsblZones", List.of(), "version", 0))
                .put("/api/v1/domains/" + domainId + "/policy").then().statusCode(409);
        Api.as(key).body(Map.of("spf", "QUARANTINE", "dmarc", "QUARANTINE", "dnsblZones", List.of(), "version", 1))
                .put("/api/v1/domains/" + domainId + "/policy").then().statusCode(200)
                .body("spf", equalTo("QUARANTINE")).body("dmarc", equalTo("QUARANTINE")).body("version", equalTo(2));
        Api.as(key).body(Map.of("spf", "MAYBE", "dmarc", "OFF", "dnsblZones", List.of(), "version", 1))
                .put("/api/v1/domains/" + domainId + "/policy").then().statusCode(400).body("errors[0].field", equalTo("spf"));
        Api.as(key).body(Map.of("spf", "OFF", "dmarc", "OFF", "dnsblZones", List.of("not a zone"), "version", 1))
                .put("/api/v1/domains/" + domainId + "/policy").then().statusCode(400)
                .body("errors[0].field", equalTo("dnsblZones[0]"));
        Api.as(key).body(Map.of("spf", "OFF", "version", 1))
                .put("/api/v1/domains/" + domainId + "/policy").then().statusCode(400);
    }
}
