package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
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
import org.securemail.common.topics.Topics;
import org.securemail.testing.FreePorts;
import org.securemail.testing.ServiceProcess;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.dns.TestDnsServer;

/**
 * The operator console (issue 16 item 1, docs/console.md) in Debian's headless Chromium against the four packaged
 * services, a real broker and a real PostgreSQL: sign-in, the DNS view following an upstream that dies without a
 * reload, a message sent through the stack found with its timeline, deferred mail in the queue view, hostile input
 * shown as text, and the queue operations clicked (retry a destination now, hold, release, delete, dead-letter replay,
 * the actions list). Saves screenshots (ConsoleBrowser).
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
        assertThat(browser.text("#queues-destinations tr[data-destination='unreachable.example']")).contains("Retry now");
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

    /**
     * Queue operations clicked in the console (ADR 0084, ADR 0088), each checked where it takes effect: a destination
     * retried now is delivered at its next hop within seconds (its next attempt was minutes away); a hold, a release and
     * a delete are commands on delivery.control, with the operator and the reason, the waiting list follows, and delivery
     * obeys (the released message is attempted again at once, the deleted one bounces); a dead letter is replayed onto
     * its source topic; every action is in the trail, on the page. More of what delivery does with a hold, release or
     * delete: QueueControlTest (delivery-service).
     */
    @Test
    @Order(5)
    void queueOperationsClickedInTheConsoleReachDeliveryAndTheAuditTrail() throws Exception {
        String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Console operations\"}"));
        int later = FreePorts.next(); // nothing listens here until the test starts a next hop on it
        int refusing = FreePorts.next();
        for (String[] domain : new String[][] { { "later.example", Integer.toString(later) },
                { "held.example", Integer.toString(refusing) } }) {
            api().post("/api/v1/domains", """
                    {"name":"%s","tenantId":"%s","inboundEnabled":true,
                     "nextHops":[{"host":"127.0.0.1","port":%s,"preference":10,"tls":"NONE"}],
                     "recipientListOnly":false,"outboundAllowed":false}""".formatted(domain[0], tenantId, domain[1]));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                SmtpProbe.rcptReply(mxPort, "ops@later.example").startsWith("250")
                        && SmtpProbe.rcptReply(mxPort, "ops@held.example").startsWith("250"));
        String retried = queueId(SmtpProbe.send(mxPort, "alice@sender.example", "ops@later.example",
                "Subject: retried\r\n\r\nIts next hop comes back.\r\n"));
        String held = queueId(SmtpProbe.send(mxPort, "alice@sender.example", "ops@held.example",
                "Subject: held\r\n\r\nHeld, then released.\r\n"));
        String deleted = queueId(SmtpProbe.send(mxPort, "alice@sender.example", "ops@held.example",
                "Subject: deleted\r\n\r\nDeleted by the operator.\r\n"));

        browser.signIn(OPERATOR_KEY);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.visible("view-dns"));
        browser.click("nav a[data-view='queues']");
        // each message deferred once (connection refused), listed with its buttons
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                List.of(retried, held, deleted).stream().allMatch(id ->
                        browser.text("#queue-waiting tr[data-queue-id='" + id + "']").contains("deferred")));

        // retry now: the next hop of later.example answers again and gets the message at once
        try (SmtpSink back = SmtpSink.start("127.0.0.1", later)) {
            operate("#queues-destinations button[data-op='retry'][data-destination='later.example']",
                    "later.example answers again");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> back.recipients().contains("ops@later.example"));
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> api().get("/api/v1/messages/" + retried).contains("\"DELIVERED\""));

        // the list of one destination, and a destination that is not one: the API's refusal, as text
        browser.click("#queues-destinations button[data-show-destination='held.example']");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.text("#queue-waiting tbody").contains("unreachable.example"));
        assertThat(browser.text("#queue-waiting tbody")).contains(held).contains(deleted);
        browser.id("waiting-domain").clear();
        browser.id("waiting-domain").sendKeys("<b>bold</b>");
        browser.id("waiting-submit").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.id("waiting-error").getText()
                .equals("domain must be a domain name"));
        assertThat(browser.driver.findElements(By.cssSelector("#waiting-error *, #queue-operations b"))).isEmpty();
        browser.id("waiting-domain").clear();
        browser.id("waiting-submit").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("#queue-waiting tbody").contains(held)
                && browser.id("waiting-error").getText().isEmpty());

        // hold, then release: commands on delivery.control, and the list follows
        operate("button[data-op='hold'][data-queue-id='" + held + "']", "the customer asked to stop it");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                browser.text("#queue-waiting tr[data-queue-id='" + held + "'] td.held").equals("held"));
        assertThat(api().get("/api/v1/queue?domain=held.example")).contains("\"held\":true");
        assertThat(commands("hold/" + held)).containsExactly("HOLD");
        operate("button[data-op='release'][data-queue-id='" + held + "']", "the customer agreed");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                browser.text("#queue-waiting tr[data-queue-id='" + held + "'] td:nth-child(7)").equals("deferred"));
        assertThat(api().get("/api/v1/queue?domain=held.example")).doesNotContain("\"held\":true");
        assertThat(commands("hold/" + held)).containsExactly("HOLD", "RELEASE");
        assertThat(control("hold/" + held)).last().asString().contains("\"operator\":\"bootstrap\"")
                .contains("the customer agreed");
        // delivery obeys: the released message is tried again at once (its next attempt was minutes away), wherever the
        // record in front of it on its tier waits (QueueControls moves every earlier waiting record behind it)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> api().get("/api/v1/messages/" + held).contains("\"attempts\":2"));

        // delete: a reason over the bound is refused with the API's detail, as text, and nothing happens; then deleted
        browser.click("button[data-op='delete'][data-queue-id='" + deleted + "']");
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.visible("op-dialog"));
        assertThat(browser.id("op-text").getText()).contains("bounce").contains("cannot be undone");
        browser.screenshot("queue-delete");
        browser.script("arguments[0].value = arguments[1]", browser.id("op-reason"), "r".repeat(501));
        browser.id("op-confirm").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.id("op-error").getText().contains("500"));
        assertThat(browser.visible("op-dialog")).isTrue();
        assertThat(commands("delete/" + deleted)).isEmpty();
        browser.id("op-reason").clear();
        browser.id("op-reason").sendKeys("spam run from a compromised account");
        browser.id("op-confirm").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.visible("op-dialog"));
        assertThat(commands("delete/" + deleted)).containsExactly("DELETE");
        assertThat(control("delete/" + deleted)).last().asString().contains("spam run from a compromised account");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> api().get("/api/v1/messages/" + deleted).contains("\"BOUNCED\""));

        // a dead letter, replayed onto the topic it failed on
        String dlq = Topics.dlq(Topics.DELIVERY_EVENTS);
        String lost = "DLQ" + Long.toHexString(System.nanoTime()).toUpperCase();
        stack.broker.send(dlq, lost, ("{\"queueId\":\"" + lost + "\",\"recipient\":\"ops@later.example\",\"attempt\":1,"
                + "\"outcome\":\"DELIVERED\",\"reply\":\"250 2.0.0 ok\",\"at\":\"2026-12-07T10:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8), Map.of(
                        "dead-letter-reason", "database unavailable".getBytes(StandardCharsets.UTF_8),
                        "dead-letter-topic", Topics.DELIVERY_EVENTS.getBytes(StandardCharsets.UTF_8)));
        browser.click("#dead-letters-load");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.text("#dead-letters tbody").contains(lost));
        operate("#dead-letters tr[data-key='" + lost + "'] button[data-op='replay']", "the database is back");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.text("#dead-letters tr[data-key='" + lost + "']").contains("replayed"));
        assertThat(stack.broker.readToEnd(Topics.DELIVERY_EVENTS)).anyMatch(r -> lost.equals(r.key()));

        // the trail, newest first, on the page
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("#operator-actions tbody").contains("REPLAY_DEAD_LETTER"));
        @SuppressWarnings("unchecked")
        List<String> trail = (List<String>) browser.script("return Array.from(document.querySelectorAll("
                + "'#operator-actions tbody tr')).map(r => r.dataset.action + ' ' + r.dataset.target)");
        assertThat(trail).containsSubsequence("DELETE " + deleted, "RELEASE " + held, "HOLD " + held,
                "RETRY_DESTINATION later.example");
        assertThat(browser.text("#operator-actions tr[data-action='HOLD'][data-target='" + held + "']"))
                .contains("bootstrap").contains("the customer asked to stop it");
        browser.script("document.getElementById('queue-operations').scrollIntoView()");
        browser.screenshot("queue-operations");
        assertThat(browser.alertOpen()).isFalse();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** Clicks an operation's button, gives the reason in the dialog and confirms; the dialog closes. */
    private static void operate(String button, String reason) {
        browser.click(button);
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.visible("op-dialog"));
        browser.id("op-reason").sendKeys(reason);
        browser.id("op-confirm").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.visible("op-dialog"));
    }

    /** The commands (JSON) on delivery.control under {@code key}, in order: what every delivery replica reads. */
    private static List<String> control(String key) {
        return stack.broker.readToEnd(Topics.DELIVERY_CONTROL).stream().filter(r -> key.equals(r.key()))
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    /** The kinds of the commands on delivery.control under {@code key}, in order. */
    private static List<String> commands(String key) {
        return control(key).stream().map(c -> c.replaceAll("(?s).*\"kind\"\\s*:\\s*\"([A-Z_]+)\".*", "$1")).toList();
    }

    private static String queueId(String reply) {
        assertThat(reply).startsWith("250 2.0.0");
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }

    private static OperatorApi api() {
        return new OperatorApi(stack.services.get("provisioning-api"), OPERATOR_KEY);
    }
}
