package org.securemail.dns.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.securemail.testing.dns.InjectTestDnsServer;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.testing.dns.TestDnsServerResource;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.Management;

/** The operator endpoints against the packaged engine, a real test DNS server and a real broker. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestDnsServerResource.class, restrictToAnnotatedClass = true)
class DnsResourceTest {

    @InjectTestDnsServer
    TestDnsServer dns;

    @Test
    void looksUpAnMxRecordWithStatusAndAge() {
        dns.zone("rest-a.test");
        dns.record("rest-a.test", "MX", "10 mx1.rest-a.test.");

        given().when().get("/dns/mx/rest-a.test")
                .then().statusCode(200)
                .body("status", equalTo("ANSWER"))
                .body("records[0].data", equalTo("10 mx1.rest-a.test"))
                .body("records[0].type", equalTo("MX"))
                .body("ageSeconds", equalTo(0));
    }

    @Test
    void reportsNxdomainAsAStatus() {
        dns.zone("rest-b.test").mode(TestDnsServer.Mode.NXDOMAIN);

        given().when().get("/dns/A/nothing.rest-b.test")
                .then().statusCode(200)
                .body("status", equalTo("NXDOMAIN"))
                .body("records.size()", equalTo(0));
    }

    @Test
    void answersAnUnknownTypeWithProblemJson() {
        given().when().get("/dns/BOGUS/example.org")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Unknown record type"))
                .body("status", equalTo(400))
                .body(not(containsString("Exception")));
    }

    @Test
    void listsUpstreamsWithTheirHealth() {
        given().when().get("/dns/upstreams")
                .then().statusCode(200)
                .body("upstream", hasItem(dns.hostPort()))
                .body("state", hasItem("UP"));
    }

    @Test
    void listsZonesAndCachedFailures() {
        dns.zone("rest-c.test").mode(TestDnsServer.Mode.SERVFAIL);
        given().when().get("/dns/A/www.rest-c.test").then().statusCode(200).body("status", equalTo("FAILED"));

        given().when().get("/dns/zones")
                .then().statusCode(200)
                .body("cap", equalTo(256))
                .body("cachedFailures.name", hasItem("www.rest-c.test"));
    }

    @Test
    void exportsTheDnsMetrics() {
        given().when().get("/dns/A/metrics.rest-a.test").then().statusCode(200);

        given().when().get(Management.url("metrics"))
                .then().statusCode(200)
                .body(containsString("dns_inflight"))
                .body(containsString("dns_cache_misses_total"))
                .body(containsString("dns_upstream_inflight"))
                .body(containsString("dns_upstream_rtt_seconds"));
        // issue 12 item 8 / ADR 0062: /q/* is on the management interface only
        given().when().get("/q/metrics").then().statusCode(404);
    }

    /** Issue 16 item 1: what the operator console shows beside the upstreams, as JSON on the application port. */
    @Test
    void countsStaleAnswersShedQueriesAndAnswersByStatus() {
        dns.zone("rest-d.test").mode(TestDnsServer.Mode.NXDOMAIN);
        given().when().get("/dns/A/x.rest-d.test").then().statusCode(200).body("status", equalTo("NXDOMAIN"));

        given().when().get("/dns/counters")
                .then().statusCode(200)
                .body("staleServed", org.hamcrest.Matchers.greaterThanOrEqualTo(0))
                .body("answersByStatus.NXDOMAIN", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("shedByCap", org.hamcrest.Matchers.notNullValue());
    }
}
