package org.securemail.ingest.stage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsType;
import org.securemail.ingest.support.FakeDnsBean;
import org.securemail.ingest.support.IngressTestBase;
import org.securemail.ingest.support.SmtpPortsResource;

/** The operator's {@code /inspect/spf} and {@code /inspect/dmarc} on the management interface, answered through DNS. */
@QuarkusTest
class OperatorChecksTest extends IngressTestBase {

    private static String url(String path) {
        return "http://127.0.0.1:" + SmtpPortsResource.managementPort() + path;
    }

    @Test
    void spfAnswersTheResultAndHowItWasReachedLikeSpfquery() {
        FakeDnsBean.FAKE.answer("op-spf.example", DnsType.TXT, "v=spf1 ip4:192.0.2.0/24 -all");
        given().queryParam("ip", "192.0.2.7").queryParam("helo", "mail.op-spf.example")
                .queryParam("sender", "alice@op-spf.example")
                .get(url("/inspect/spf")).then().statusCode(200).contentType("application/json")
                .body("result", equalTo("pass")).body("identity", equalTo("mailfrom"))
                .body("domain", equalTo("op-spf.example")).body("mechanism", equalTo("ip4:192.0.2.0/24"))
                .body("trace", hasItem(containsString("v=spf1 ip4:192.0.2.0/24 -all")));
        given().queryParam("ip", "198.51.100.1").queryParam("sender", "alice@op-spf.example")
                .get(url("/inspect/spf")).then().statusCode(200).body("result", equalTo("fail"))
                .body("mechanism", equalTo("-all"));
        given().queryParam("ip", "198.51.100.1").queryParam("helo", "op-spf.example")
                .get(url("/inspect/spf")).then().statusCode(200).body("identity", equalTo("helo"))
                .body("result", equalTo("fail"));
    }

    @Test
    void dmarcAnswersThePolicyFoundAndWhere() {
        FakeDnsBean.FAKE.answer("_dmarc.op-dmarc.example", DnsType.TXT, "v=DMARC1; p=reject; sp=quarantine; pct=50");
        given().queryParam("domain", "op-dmarc.example").get(url("/inspect/dmarc")).then().statusCode(200)
                .body("result", equalTo("reject")).body("policyDomain", equalTo("op-dmarc.example"))
                .body("pct", equalTo(50));
        given().queryParam("domain", "mail.op-dmarc.example").get(url("/inspect/dmarc")).then().statusCode(200)
                .body("result", equalTo("quarantine")).body("organizationalDomain", equalTo("op-dmarc.example"));
        given().queryParam("domain", "nothing-here.example").get(url("/inspect/dmarc")).then().statusCode(200)
                .body("result", equalTo("none"));
    }

    @Test
    void badOrHostileParametersGetAProblemNeverAStackTrace() {
        given().get(url("/inspect/spf")).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("ip"));
        given().queryParam("ip", "mail.example").queryParam("helo", "x.example").get(url("/inspect/spf")).then()
                .statusCode(400);
        given().queryParam("ip", "192.0.2.1").get(url("/inspect/spf")).then().statusCode(400)
                .body("detail", containsString("helo or sender"));
        given().queryParam("ip", "192.0.2.1").queryParam("helo", "a\r\nb").get(url("/inspect/spf")).then()
                .statusCode(400);
        given().queryParam("ip", "192.0.2.1").queryParam("sender", "a@" + "b".repeat(600)).get(url("/inspect/spf"))
                .then().statusCode(400);
        given().get(url("/inspect/dmarc")).then().statusCode(400).contentType("application/problem+json");
        given().queryParam("domain", "x".repeat(300)).get(url("/inspect/dmarc")).then().statusCode(400);
    }
}
