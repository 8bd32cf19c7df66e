package org.securemail.provisioning.smtpuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.securemail.provisioning.Api.operator;

import java.util.Map;

import jakarta.inject.Inject;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.provisioning.Api;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
class SmtpUserApiTest {

    @Inject
    Pool pool;

    String tenant;
    String key;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("users");
        key = Api.tenantKey(tenant);
    }

    @Test
    void createsAUserWithABcryptPasswordThatIsNeverReturned() {
        String username = "Bob" + System.nanoTime() + "@Example.org";
        String id = Api.as(key).body(Map.of("username", username, "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(201)
                .body("username", equalTo(username.toLowerCase()))
                .body("enabled", equalTo(true))
                .body("tenantId", equalTo(tenant))
                .body("$", not(hasKey("password"))).body("$", not(hasKey("passwordHash")))
                .extract().path("id");
        Api.as(key).get("/api/v1/smtp-users/" + id).then().statusCode(200).body("$", not(hasKey("passwordHash")));
        String hash = storedHash(id);
        assertThat(hash).startsWith("$2a$04$");
        assertThat(OpenBSDBCrypt.checkPassword(hash, "correct horse battery".toCharArray())).isTrue();

        Api.as(key).body(Map.of("version", 0, "password", "another long secret", "enabled", false))
                .put("/api/v1/smtp-users/" + id).then().statusCode(200)
                .body("enabled", equalTo(false)).body("version", equalTo(1));
        assertThat(OpenBSDBCrypt.checkPassword(storedHash(id), "another long secret".toCharArray())).isTrue();
        Api.as(key).body(Map.of("version", 0, "enabled", true)).put("/api/v1/smtp-users/" + id)
                .then().statusCode(409).body("type", equalTo("https://securemail.org/problems/version-conflict"));

        Api.as(key).delete("/api/v1/smtp-users/" + id).then().statusCode(204);
        Api.as(key).get("/api/v1/smtp-users/" + id).then().statusCode(404);
    }

    @Test
    void duplicateUsernameIsAConflict() {
        String username = "dup" + System.nanoTime();
        Api.as(key).body(Map.of("username", username, "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(201);
        operator().body(Map.of("tenantId", Api.createTenant("users-2"), "username", username.toUpperCase(),
                        "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(409)
                .body("type", equalTo("https://securemail.org/problems/duplicate"));
    }

    @Test
    void weakOrMalformedInputIsRejected() {
        Api.as(key).body(Map.of("username", "short-pw", "password", "123"))
                .post("/api/v1/smtp-users").then().statusCode(400)
                .body("errors[0].field", equalTo("password"));
        Api.as(key).body(Map.of("username", "has space", "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(400)
                .body("errors[0].field", equalTo("username"));
        operator().body(Map.of("username", "no-tenant", "password", "correct horse battery"))
                .post("/api/v1/smtp-users").then().statusCode(400)
                .body("type", equalTo("https://securemail.org/problems/bad-request"));
        Api.as(key).body(Map.of("username", "x" + System.nanoTime(), "password", "correct horse battery",
                        "passwordHash", "$2a$04$abc")).post("/api/v1/smtp-users").then().statusCode(400)
                .body("type", equalTo("https://securemail.org/problems/unknown-field"));
    }

    /** Issue 12: bcrypt ignores everything past byte 72, so such a password would match any sharing its start. */
    @Test
    void passwordsPastBcryptsSeventyTwoBytesAreRefused() {
        Api.as(key).body(Map.of("username", "long-" + System.nanoTime(), "password", "p".repeat(73)))
                .post("/api/v1/smtp-users").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("password"));
        // 30 characters, 75 bytes: counted in bytes, not characters
        Api.as(key).body(Map.of("username", "utf8-" + System.nanoTime(), "password", "ü€".repeat(15)))
                .post("/api/v1/smtp-users").then().statusCode(400).body("errors[0].field", equalTo("password"));
        Api.as(key).body(Map.of("username", "max-" + System.nanoTime(), "password", "p".repeat(72)))
                .post("/api/v1/smtp-users").then().statusCode(201);
    }

    @Test
    void listIsPaginated() {
        for (int i = 0; i < 3; i++) {
            Api.as(key).body(Map.of("username", "page" + i + "-" + System.nanoTime(), "password", "correct horse battery"))
                    .post("/api/v1/smtp-users").then().statusCode(201);
        }
        String cursor = Api.as(key).queryParam("limit", 2).get("/api/v1/smtp-users").then().statusCode(200)
                .body("items.size()", equalTo(2)).extract().path("nextCursor");
        Api.as(key).queryParam("limit", 2).queryParam("cursor", cursor).get("/api/v1/smtp-users").then()
                .statusCode(200).body("items.size()", equalTo(1)).body("nextCursor", equalTo(null));
    }

    private String storedHash(String id) {
        return pool.preparedQuery("SELECT password_hash FROM smtp_user WHERE id = $1::uuid").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getString("password_hash");
    }
}
