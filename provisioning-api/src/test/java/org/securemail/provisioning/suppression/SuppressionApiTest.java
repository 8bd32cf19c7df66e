package org.securemail.provisioning.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.TopicReader;
import org.securemail.provisioning.idempotency.IdempotencyKey;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import io.quarkus.test.junit.QuarkusTest;

/** {@code /api/v1/suppressions} against the real PostgreSQL and broker; the test profile allows 5 entries a tenant. */
@QuarkusTest
class SuppressionApiTest {

    private static final String PATH = "/api/v1/suppressions";

    @InjectKafkaBroker
    KafkaBroker broker;

    String tenant;
    String key;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("suppressions");
        key = Api.tenantKey(tenant);
    }

    @Test
    void addsListsReadsAndRemovesWithATombstoneOnTheTopic() {
        io.restassured.response.Response created = Api.as(key).body(Map.of("address", " Bob.Smith@Example.NET. ")).post(PATH);
        String id = created.then().statusCode(201)
                .body("address", equalTo("bob.smith@example.net")).body("domain", equalTo("example.net"))
                .body("reason", equalTo("MANUAL")).body("tenantId", equalTo(tenant)).body("queueId", nullValue())
                .extract().path("id");
        assertThat(created.header("Location")).endsWith(PATH + "/" + id);
        Api.as(key).body(Map.of("address", "BOB.SMITH@example.net")).post(PATH).then().statusCode(409)
                .body("type", equalTo("https://securemail.org/problems/duplicate"));
        Api.as(key).body(Map.of("address", "carol@b\u00fccher.example")).post(PATH).then().statusCode(201)
                .body("address", equalTo("carol@xn--bcher-kva.example"));
        Api.as(key).get(PATH + "/" + id).then().statusCode(200).body("address", equalTo("bob.smith@example.net"));
        Api.as(key).get(PATH).then().statusCode(200)
                .body("items.address", containsInAnyOrder("bob.smith@example.net", "carol@xn--bcher-kva.example"));
        Api.as(key).queryParam("domain", "EXAMPLE.net").get(PATH).then().statusCode(200)
                .body("items.address", contains("bob.smith@example.net"));
        Api.as(key).queryParam("reason", "HARD_BOUNCE").get(PATH).then().statusCode(200).body("items.size()", equalTo(0));
        Api.as(key).queryParam("reason", "manual").get(PATH).then().statusCode(200).body("items.size()", equalTo(2));

        String recordKey = tenant + "/bob.smith@example.net";
        await().atMost(Duration.ofSeconds(30)).until(
                () -> TopicReader.readAll(broker, Topics.PROVISIONING_SUPPRESSIONS, Set.of(recordKey)).size() == 1);
        Api.as(key).delete(PATH + "/" + id).then().statusCode(204);
        Api.as(key).get(PATH + "/" + id).then().statusCode(404);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> records =
                    TopicReader.readAll(broker, Topics.PROVISIONING_SUPPRESSIONS, Set.of(recordKey));
            assertThat(records).hasSize(2);
            assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8))
                    .contains("\"tenantId\":\"" + tenant + "\"").contains("\"address\":\"bob.smith@example.net\"")
                    .contains("\"reason\":\"MANUAL\"");
            assertThat(records.get(1).value()).as("tombstone").isNull();
        });
    }

    @Test
    void badAddressesAreRefusedNamingTheField() {
        for (String bad : List.of("", "   ", "bob", "@example.net", "bob@", "a b@example.net", "a..b@example.net",
                "\"quoted\"@example.net", "bob@[192.0.2.1]", "bob@localhost", "bob@exa_mple.net",
                "x".repeat(65) + "@example.net", "x".repeat(64) + "@" + ("a".repeat(62) + ".").repeat(3) + "aa",
                "bob@" + "a".repeat(300) + ".example", "bob@example.net\r\nRCPT TO:<x@y.example>")) {
            Api.as(key).body(Map.of("address", bad)).post(PATH).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("address"));
        }
        Api.as(key).body(Map.of()).post(PATH).then().statusCode(400).contentType("application/problem+json");
        Api.as(key).body(Map.of("address", "bob@example.net", "reason", "HARD_BOUNCE")).post(PATH).then()
                .statusCode(400).body("type", equalTo("https://securemail.org/problems/unknown-field"));
        Api.as(key).body(Map.of("address", 42)).post(PATH).then().statusCode(400);
    }

    @Test
    void anotherTenantsEntryIsNotFoundAndNeverListed() {
        String other = Api.tenantKey(Api.createTenant("other"));
        String id = Api.as(other).body(Map.of("address", "secret@other.example")).post(PATH).then().statusCode(201)
                .extract().path("id");
        Api.as(key).get(PATH + "/" + id).then().statusCode(404)
                .body("type", equalTo("https://securemail.org/problems/not-found"));
        Api.as(key).delete(PATH + "/" + id).then().statusCode(404);
        Api.as(key).get(PATH).then().statusCode(200).body("items.size()", equalTo(0));
        Api.as(key).body(Map.of("tenantId", otherTenantOf(other, id), "address", "x@other.example")).post(PATH)
                .then().statusCode(403);
        Api.as(other).get(PATH + "/" + id).then().statusCode(200);
        Api.as(key).get(PATH + "/not-a-uuid").then().statusCode(404);
        // an operator names the tenant
        Api.operator().body(Map.of("address", "x@y.example")).post(PATH).then().statusCode(400);
        Api.operator().body(Map.of("tenantId", tenant, "address", "x@y.example")).post(PATH).then().statusCode(201)
                .body("tenantId", equalTo(tenant));
    }

    @Test
    void pagingIsBoundedAndTheCursorWalksTheList() {
        for (String a : List.of("a@p.example", "b@p.example", "c@p.example")) {
            Api.as(key).body(Map.of("address", a)).post(PATH).then().statusCode(201);
        }
        String cursor = Api.as(key).queryParam("limit", 2).get(PATH).then().statusCode(200)
                .body("items.size()", equalTo(2)).body("nextCursor", notNullValue()).extract().path("nextCursor");
        Api.as(key).queryParam("limit", 2).queryParam("cursor", cursor).get(PATH).then().statusCode(200)
                .body("items.size()", equalTo(1)).body("nextCursor", nullValue());
        for (String limit : List.of("0", "-1", "201", "2147483647")) {
            Api.as(key).queryParam("limit", limit).get(PATH).then().statusCode(400);
        }
        Api.as(key).queryParam("cursor", "'; DROP TABLE suppression; --").get(PATH).then().statusCode(400)
                .contentType("application/problem+json");
        Api.as(key).queryParam("reason", "BOUNCED").get(PATH).then().statusCode(400);
        Api.as(key).queryParam("domain", "not a domain").get(PATH).then().statusCode(400);
    }

    @Test
    void aTenantsListIsBoundedAndTheCreateIsIdempotent() {
        String first = Api.as(key).header(IdempotencyKey.HEADER, "add-1").body(Map.of("address", "n0@cap.example"))
                .post(PATH).then().statusCode(201).extract().path("id");
        Api.as(key).header(IdempotencyKey.HEADER, "add-1").body(Map.of("address", "n0@cap.example")).post(PATH)
                .then().statusCode(201).header(IdempotencyKey.REPLAYED_HEADER, equalTo("true")).body("id", equalTo(first));
        for (int i = 1; i < 5; i++) {
            Api.as(key).body(Map.of("address", "n" + i + "@cap.example")).post(PATH).then().statusCode(201);
        }
        Api.as(key).body(Map.of("address", "n5@cap.example")).post(PATH).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("https://securemail.org/problems/conflict"))
                .body("detail", org.hamcrest.Matchers.containsString("at most 5"));
        Api.as(key).delete(PATH + "/" + first).then().statusCode(204);
        Api.as(key).body(Map.of("address", "n5@cap.example")).post(PATH).then().statusCode(201);
    }

    @Test
    void deletingATenantEmptiesItsList() {
        String doomed = Api.createTenant("doomed");
        Api.operator().body(Map.of("tenantId", doomed, "address", "gone@d.example")).post(PATH).then().statusCode(201);
        Api.operator().delete("/api/v1/tenants/" + doomed).then().statusCode(204);
        String recordKey = doomed + "/gone@d.example";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> records =
                    TopicReader.readAll(broker, Topics.PROVISIONING_SUPPRESSIONS, Set.of(recordKey));
            assertThat(records).hasSize(2);
            assertThat(records.get(1).value()).isNull();
        });
    }

    private static String otherTenantOf(String otherKey, String id) {
        return Api.as(otherKey).get(PATH + "/" + id).then().extract().path("tenantId");
    }
}
