package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.securemail.testing.FreePorts;
import org.securemail.testing.ServiceProcess;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.dns.TestDnsServer;

/**
 * The operator console (issue 16 item 1, docs/console.md) in Debian's headless Chromium against the four packaged
 * services, a real broker and a real PostgreSQL: sign-in, the DNS view following an upstream that dies without a
 * reload, a message sent through the stack found with its timeline, deferred mail in the queue view, and hostile
 * input shown as text. Saves screenshots (ConsoleBrowser).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final String OPERATOR_KEY = "console-test-operator-key-0123456789";

    private static Stack stack;
    private static TestDnsServer primary;
    private static TestDnsServer secondary;
    private static SmtpSink nextHop;
    private static ConsoleBrowser browser;
    private static int mxPort;
    private static int dnsHttpPort;

    @BeforeAll
    static void start() {
        stack = Stack.startInfrastructureConcurrently();
        primary = TestDnsServer.start();
        secondary = TestDnsServer.start();
        for (TestDnsServer upstream : List.of(primary, secondary)) {
            upstream.otherZones().mode(TestDnsServer.Mode.ANSWER);
        }
        nextHop = SmtpSink.start();
        mxPort = FreePorts.next();
        dnsHttpPort = FreePorts.next();
        stack.startAll(List.of(
                new Stack.Service("provisioning-api", "provisioning-api", Map.of(
                        "provisioning.bootstrap-operator-key", OPERATOR_KEY,
                        "provisioning.console.dns-urls", "http://127.0.0.1:" + dnsHttpPort,
                        "provisioning.console.refresh", "500ms",
                        "provisioning.network.allowed-networks", "127.0.0.0/8",
                        "provisioning.network.allowed-ports", "1-65535")),
                // a dead upstream is probed after 2 timeouts in a row (5 by default): the service's limits let only a
                // few queries for zones nobody knows reach an upstream that stopped answering (ADR 0080), and their
                // slots are held for the abandoned hold, so the test's burst of lookups gives each upstream about three
                new Stack.Service("dns-service", "dns-service/server", Map.of(
                        "quarkus.http.port", Integer.toString(dnsHttpPort),
                        "dns.upstreams", primary.hostPort() + "," + secondary.hostPort(),
                        "dns.health.suspend-after", "2")),
                new Stack.Service("ingest-service", "ingest-service", Map.of(
                        "ingest.mx.port", Integer.toString(mxPort),
                        "ingest.submission.port", Integer.toString(FreePorts.next()),
                        "ingest.inspection.lookup-deadline", "2s")),
                new Stack.Service("delivery-service", "delivery-service", Map.of(
                        "delivery.network.allowed-networks", "127.0.0.0/8",
                        "delivery.network.allowed-ports", "1-65535"))));
        browser = ConsoleBrowser.open("http://127.0.0.1:" + stack.services.get("provisioning-api").httpPort());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] { primary, secondary, nextHop }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort at the end of the class
            }
        }
    }

    @AfterEach
    void signOut() {
        browser.signOut();
    }

    @Test
    @Order(1)
    void onlyAnOperatorKeySignsIn() throws Exception {
        browser.go("/console/");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.visible("login"));
        browser.screenshot("login");
        // no key: the console's data is refused
        assertThat(browser.fetch("/api/v1/console/dns").get("status")).isEqualTo(401L);

        String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Console tenant\"}"));
        String tenantKey = OperatorApi.field(api().post("/api/v1/api-keys",
                "{\"role\":\"TENANT\",\"tenantId\":\"%s\"}".formatted(tenantId)), "key");
        browser.signIn(tenantKey);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.id("login-error").getText().contains("for operators"));
        assertThat(browser.visible("views")).isFalse();
        assertThat(browser.fetch("/api/v1/console/dns").get("status")).isEqualTo(401L);

        browser.signIn(OPERATOR_KEY);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.visible("view-dns"));
        assertThat(browser.fetch("/api/v1/console/dns").get("status")).isEqualTo(200L);
        // the key is in no URL, no storage the page's scripts can read, and the cookie is HttpOnly
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(OPERATOR_KEY);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
        assertThat(browser.script("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
        assertThat(browser.driver.manage().getCookieNamed("sm_console").isHttpOnly()).isTrue();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void theDnsViewFollowsUpstreamsThatDieAndComeBackWithoutAReload() throws Exception {
        browser.signIn(OPERATOR_KEY);
        await().atMost(Duration.ofSeconds(20)).until(() -> upstreamStates().equals(List.of("UP", "UP")));
        assertThat(browser.text("tr[data-upstream='" + primary.hostPort() + "'] td.state")).isEqualTo("UP");
        assertThat(browser.text("tr[data-upstream='" + secondary.hostPort() + "'] td.state")).isEqualTo("UP");
        browser.script("window.consoleTestMarker = 'still the same page'");

        // both resolvers stop answering (the service asks the one with the better round-trip time first, so silencing
        // one might not be seen): lookups through the DNS service time out; after two timeouts in a row (this
        // test's setting) an upstream is probed and, silent, suspended
        primary.silent(true);
        secondary.silent(true);
        ServiceProcess dns = stack.services.get("dns-service");
        ExecutorService askers = Executors.newFixedThreadPool(12);
        List<CompletableFuture<String>> lookups = IntStream.range(0, 12)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return dns.get("/dns/A/host" + i + ".dies-" + i + "-" + System.nanoTime() + ".test").body();
                    } catch (java.io.IOException e) {
                        return e.toString();
                    }
                }, askers))
                .toList();
        try {
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(upstreamStates()).as(() -> "the page; the service says " + upstreams(dns) + "; lookups "
                            + lookups.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList())
                            .contains("SUSPENDED"));
        } finally {
            askers.shutdown();
        }
        browser.screenshot("dns");
        assertThat(browser.script("return window.consoleTestMarker")).isEqualTo("still the same page");

        // they answer again: the service's probes reinstate them, and the page shows it, still without a reload
        primary.silent(false);
        secondary.silent(false);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> upstreamStates().equals(List.of("UP", "UP")));
        assertThat(browser.script("return window.consoleTestMarker")).isEqualTo("still the same page");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static String upstreams(ServiceProcess dns) {
        try {
            return dns.get("/dns/upstreams").body();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** The state column of the DNS view's upstreams, read in one script. */
    @SuppressWarnings("unchecked")
    private static List<String> upstreamStates() {
        return (List<String>) browser.script(
                "return Array.from(document.querySelectorAll('.dns-upstreams td.state')).map(e => e.innerText)");
    }

    @Test
    @Order(3)
    void aMessageSentThroughTheStackIsFoundWithItsTimelineAndDeferredMailIsInTheQueues() throws Exception {
        String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Console relay\"}"));
        int closed = FreePorts.next();
        for (String[] domain : new String[][] { { "console.example", Integer.toString(nextHop.port()) },
                { "unreachable.example", Integer.toString(closed) } }) {
            api().post("/api/v1/domains", """
                    {"name":"%s","tenantId":"%s","inboundEnabled":true,
                     "nextHops":[{"host":"127.0.0.1","port":%s,"preference":10,"tls":"NONE"}],
                     "recipientListOnly":false,"outboundAllowed":false}""".formatted(domain[0], tenantId, domain[1]));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                SmtpProbe.rcptReply(mxPort, "ops@console.example").startsWith("250")
                        && SmtpProbe.rcptReply(mxPort, "ops@unreachable.example").startsWith("250"));
        String queueId = queueId(SmtpProbe.send(mxPort, "alice@sender.example", "ops@console.example",
                "Message-ID: <console-" + System.nanoTime() + "@sender.example>\r\nSubject: first mail\r\n\r\nHello.\r\n"));
        String deferredId = queueId(SmtpProbe.send(mxPort, "alice@sender.example", "ops@unreachable.example",
                "Subject: waits\r\n\r\nThe next hop refuses connections.\r\n"));

        browser.signIn(OPERATOR_KEY);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.visible("view-dns"));
        browser.driver.findElement(By.cssSelector("nav a[data-view='search']")).click();
        browser.id("search-input").sendKeys(queueId);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.id("search-submit").click();
            return browser.text("#timeline-events li[data-event='DELIVERED']").contains("ops@console.example");
        });
        assertThat(browser.id("timeline-id").getText()).isEqualTo(queueId);
        assertThat(browser.text("#timeline-events li[data-event='ACCEPTED']")).contains("ACCEPTED");
        assertThat(browser.text("#timeline-events li[data-event='DELIVERED']")).contains("250");
        browser.screenshot("timeline");

        browser.driver.findElement(By.cssSelector("nav a[data-view='queues']")).click();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> browser.text("#queues-destinations tbody").contains("unreachable.example"));
        // a group shows once it has committed offsets (the connector commits every few seconds)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> browser.text("#queues-lag tbody").contains("provisioning-tracking-delivery"));
        assertThat(browser.text("#queues-oldest")).contains("Oldest message waiting");
        assertThat(browser.visible("queue-operations")).isTrue();
        browser.screenshot("queues");

        browser.driver.findElement(By.cssSelector("nav a[data-view='deliveries']")).click();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> browser.text("#recent-delivered tbody").contains(queueId)
                        && browser.text("#recent-deferred tbody").contains(deferredId));
        browser.screenshot("deliveries");

        browser.driver.findElement(By.cssSelector("nav a[data-view='quarantine']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.text("#quarantine-held tbody").isEmpty());
        browser.screenshot("quarantine");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(4)
    void hostileSearchInputIsShownAsTextAndOversizedSearchesAreRefused() {
        browser.signIn(OPERATOR_KEY);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.visible("view-dns"));
        browser.driver.findElement(By.cssSelector("nav a[data-view='search']")).click();
        String hostile = "<script>alert(1)<img src=x onerror=alert(2)>";
        browser.id("search-input").sendKeys(hostile);
        browser.id("search-submit").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.id("search-error").getText().contains("does not exist"));
        assertThat(browser.id("search-error").getText()).isEqualTo("message " + hostile + " does not exist");
        assertThat(browser.driver.findElements(By.cssSelector("#search-error *"))).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("main img, main script"))).isEmpty();
        assertThat(browser.alertOpen()).isFalse();

        browser.driver.findElement(By.cssSelector("#search-kind option[value='recipient']")).click();
        browser.id("search-input").clear();
        browser.script("arguments[0].value = arguments[1]", browser.id("search-input"), "r".repeat(400) + "@x.example");
        browser.id("search-submit").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.id("search-error").getText()
                .equals("recipient has at most 320 characters, got 410"));
        browser.script("arguments[0].value = arguments[1]", browser.id("search-input"), "r".repeat(5000));
        browser.id("search-submit").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.id("search-error").getText()
                .equals("The search text is too long (5000 characters, at most 2000)."));
        assertThat(browser.alertOpen()).isFalse();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static String queueId(String reply) {
        assertThat(reply).startsWith("250 2.0.0");
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }

    private static OperatorApi api() {
        return new OperatorApi(stack.services.get("provisioning-api"), OPERATOR_KEY);
    }
}
