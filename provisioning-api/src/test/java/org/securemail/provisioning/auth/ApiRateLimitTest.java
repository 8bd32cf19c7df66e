package org.securemail.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.provisioning.Api.as;
import static org.securemail.provisioning.Api.createTenant;
import static org.securemail.provisioning.Api.tenantKey;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Issue 12: a tenant key cannot flood the API. The test profile gives a tenant key 100 requests at once, then one a
 * second; 150 requests in a row therefore meet a 429 problem+json with Retry-After, and another key is unaffected.
 */
@QuarkusTest
class ApiRateLimitTest {

    @Test
    void aKeyOverItsRateGets429WithRetryAfterAndOtherKeysGoOn() {
        String tenant = createTenant("rate-limited");
        String flooding = tenantKey(tenant);
        String quiet = tenantKey(tenant);

        List<Response> limited = new ArrayList<>();
        for (int i = 0; i < 150 && limited.isEmpty(); i++) {
            Response r = as(flooding).get("/api/v1/tenants/" + tenant);
            if (r.statusCode() == 429) {
                limited.add(r);
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }

        assertThat(limited).as("a 429 within 150 requests").hasSize(1);
        Response r = limited.get(0);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("type")).isEqualTo("https://securemail.org/problems/rate-limited");
        assertThat(r.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 5L);
        assertThat(as(quiet).get("/api/v1/tenants/" + tenant).statusCode()).isEqualTo(200);
    }
}
