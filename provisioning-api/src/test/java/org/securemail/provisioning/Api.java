package org.securemail.provisioning;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test helpers: requests with a given API key, and setup of tenants and keys through the API itself. */
public final class Api {

    public static final String OPERATOR_KEY = "test-operator-key-0123456789abcdef";

    private Api() {
    }

    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    public static RequestSpecification operator() {
        return as(OPERATOR_KEY);
    }

    public static String createTenant(String name) {
        return operator().body(Map.of("name", name)).post("/api/v1/tenants").then().statusCode(201)
                .extract().path("id");
    }

    /** A TENANT key for {@code tenantId}, created by the operator. */
    public static String tenantKey(String tenantId) {
        return operator().body(Map.of("role", "TENANT", "tenantId", tenantId, "description", "test"))
                .post("/api/v1/api-keys").then().statusCode(201).extract().path("key");
    }

    public static String uniqueDomain() {
        return "d" + UUID.randomUUID().toString().substring(0, 8) + ".example";
    }

    public static Map<String, Object> hop(String host) {
        return Map.of("host", host, "port", 25, "preference", 10, "tls", "REQUIRED");
    }
}
