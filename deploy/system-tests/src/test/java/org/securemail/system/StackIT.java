package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.testing.FreePorts;
import org.securemail.testing.ServiceProcess;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.dns.TestDnsServer;

/**
 * The four packaged services as separate processes against one real broker and one real PostgreSQL: they start,
 * report ready (Kafka and, for the API, the database) and export metrics; a change made through the provisioning
 * API reaches the ingest service's relay control through the broker; and a message accepted by the ingress is
 * delivered by the delivery service to the domain's next hop and tracked by the API.
 */
class StackIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String OPERATOR_KEY = "system-test-operator-key-0123456789";

    private static final String AUTHSERV = "mx.stack.test";

    private static Stack stack;
    private static int mxPort;
    /** The DNS service's upstream: serves the verification TXT records tenants publish. */
    private static TestDnsServer resolver;

    @BeforeAll
    static void startStack() {
        stack = Stack.startInfrastructure();
        // the four services log JSON, as an operator switches it on (issue 16 item 6): one environment variable
        stack.environment.put("SECUREMAIL_LOG_JSON", "true");
        mxPort = FreePorts.next();
        resolver = TestDnsServer.start();
        resolver.zone("owned.example").ttl(1);
        // every other zone answers (synthesized records: TXT "v=spf1 -all", no PTR): the inspection stage's lookups for
        // the senders of these tests find answers; a REFUSED zone would park their mail as a DNS failure
        resolver.otherZones().mode(TestDnsServer.Mode.ANSWER);
        stack.start("provisioning-api", "provisioning-api",
                Map.of("provisioning.bootstrap-operator-key", OPERATOR_KEY,
                        "provisioning.verification.poll-interval", "500ms",
                        "provisioning.verification.first-retry", "1s",
                        "provisioning.verification.max-retry", "2s",
                        // the test's sink is on loopback, on a free port: allowed here, never by default (ADR 0059)
                        "provisioning.network.allowed-networks", "127.0.0.0/8",
                        "provisioning.network.allowed-ports", "1-65535"));
        // a zone that failed is asked again after at most 2 s (RFC 9520 backoff, 5 min in production), so a test's
        // dead zone that comes back is seen within seconds
        stack.start("dns-service", "dns-service/server", Map.of("dns.upstreams", resolver.hostPort(),
                "dns.cache.failure-max", "2s"));
        // the inspection stage: parked mail is looked at again after 2 s (30 s in production)
        stack.start("ingest-service", "ingest-service", Map.of(
                "ingest.mx.port", Integer.toString(mxPort),
                "ingest.submission.port", Integer.toString(FreePorts.next()),
                "ingest.inspection.authserv-id", AUTHSERV,
                "ingest.inspection.lookup-deadline", "2s",
                "ingest.inspection.park-delay", "2s",
                "quarkus.log.category.\"org.securemail.ingest.stage\".level", "DEBUG"));
        // delivery reads mail.ready (its default): every message goes through the inspection stage
        stack.start("delivery-service", "delivery-service", Map.of(
                "delivery.network.allowed-networks", "127.0.0.0/8", "delivery.network.allowed-ports", "1-65535"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (resolver != null) {
            resolver.close();
        }
    }

    @Test
    void theMailServicesAreReadyWithKafkaChecked() throws IOException {
        for (String name : List.of("dns-service", "delivery-service")) {
            ServiceProcess service = stack.services.get(name);
            var ready = service.get("/q/health/ready");
            assertThat(ready.statusCode()).as(service.log().toString()).isEqualTo(200);
            assertThat(ready.body()).contains("Kafka connection health check").contains("\"UP\"");
        }
        // ingest's readiness is its provisioning state only: it stays in the load balancer during a broker outage and
        // answers 451 (ADR 0064); whether mail can be written is its mail-queue wellness check
        ServiceProcess ingest = stack.services.get("ingest-service");
        var ready = ingest.get("/q/health/ready");
        assertThat(ready.statusCode()).as(ingest.log().toString()).isEqualTo(200);
        assertThat(ready.body()).contains("provisioning-state").doesNotContain("Kafka connection health check");
        var well = ingest.get("/q/health/well");
        assertThat(well.statusCode()).isEqualTo(200);
        assertThat(well.body()).contains("mail-queue");
    }

    /** The API stays ready without Kafka (its outbox holds changes, ADR 0041), but not without its database. */
    @Test
    void provisioningReadinessCoversTheDatabase() throws IOException {
        var ready = stack.services.get("provisioning-api").get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("Reactive PostgreSQL connections health check");
    }

    @Test
    void everyServiceExportsPrometheusMetrics() throws IOException {
        for (ServiceProcess service : stack.services.values()) {
            var metrics = service.get("/q/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        }
    }

    /** Issue 12 item 8, ADR 0062: whatever fronts a service's HTTP port never reaches its health and metrics. */
    @Test
    void healthAndMetricsAreOnlyOnTheManagementPort() {
        for (ServiceProcess service : stack.services.values()) {
            assertThat(service.applicationPortStatus("/q/metrics")).as(service.log().toString()).isEqualTo(404);
            assertThat(service.applicationPortStatus("/q/health/ready")).as(service.log().toString()).isEqualTo(404);
            assertThat(service.httpStatus("/q/health/ready")).as(service.log().toString()).isEqualTo(200);
        }
    }

    @Test
    void livenessAnswersOnEveryService() {
        for (ServiceProcess service : stack.services.values()) {
            assertThat(service.httpStatus("/q/health/live")).isEqualTo(200);
        }
    }

    @Test
    void aDomainCreatedThroughTheApiIsAcceptedByTheIngressThroughTheBroker() throws Exception {
        String recipient = "someone@wired.example";
        assertThat(SmtpProbe.rcptReply(mxPort, recipient)).startsWith("550 5.7.1");

        String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Wired\"}"));
        api().post("/api/v1/domains", """
                {"name":"Wired.Example","tenantId":"%s","inboundEnabled":true,
                 "nextHops":[{"host":"127.0.0.1","port":25,"preference":10}],
                 "recipientListOnly":false,"outboundAllowed":false}""".formatted(tenantId));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(SmtpProbe.rcptReply(mxPort, recipient)).startsWith("250"));
    }

    @Test
    void aMessageAcceptedByTheIngressIsDeliveredToTheDomainsNextHopAndTracked() throws Exception {
        try (SmtpSink nextHop = SmtpSink.start()) {
            String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Relay\"}"));
            api().post("/api/v1/domains", """
                    {"name":"relay.example","tenantId":"%s","inboundEnabled":true,
                     "nextHops":[{"host":"127.0.0.1","port":%d,"preference":10,"tls":"NONE"}],
                     "recipientListOnly":false,"outboundAllowed":false}""".formatted(tenantId, nextHop.port()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(SmtpProbe.rcptReply(mxPort, "alice@relay.example")).startsWith("250"));

            String messageId = "<e2e-" + System.nanoTime() + "@sender.example>";
            String queued = SmtpProbe.send(mxPort, "bob@sender.example", "alice@relay.example",
                    "Message-ID: " + messageId + "\r\nSubject: end to end\r\n\r\nHello through the whole suite.\r\n");
            assertThat(queued).startsWith("250 2.0.0");
            String queueId = queued.substring(queued.lastIndexOf(' ') + 1);

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(nextHop.received)
                    .anySatisfy(received -> {
                        assertThat(received.recipients()).containsExactly("alice@relay.example");
                        assertThat(received.data()).contains(messageId).contains("Received:")
                                // inspected on the way: the upstream synthesises "v=spf1 -all" for sender.example
                                .startsWith("Authentication-Results: " + AUTHSERV + ";\r\n"
                                        + "\tspf=fail smtp.mailfrom=bob@sender.example;");
                    }));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(api().get("/api/v1/messages/" + queueId))
                            .contains("alice@relay.example").contains("DELIVERED"));

            // issue 16 item 6: the operator greps the queue id across the four services' logs (JSON here) and finds
            // the 250 in ingest and the attempt in delivery, each line a JSON object with the id as mdc.queue_id
            Map<String, List<JsonNode>> lines = new java.util.TreeMap<>();
            for (ServiceProcess service : stack.services.values()) {
                String name = service.log().getFileName().toString();
                for (String line : java.nio.file.Files.readAllLines(service.log())) {
                    if (line.contains(queueId)) {
                        JsonNode json = JSON.readTree(line);
                        assertThat(json.path("mdc").path("queue_id").asText()).as(line).isEqualTo(queueId);
                        lines.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(json);
                    }
                }
            }
            assertThat(lines.get("ingest-service.log")).anySatisfy(json -> {
                assertThat(json.path("service").asText()).isEqualTo("ingest-service");
                assertThat(json.path("level").asText()).isEqualTo("INFO");
                assertThat(json.path("message").asText()).startsWith(queueId + ": queued: from=<bob@sender.example>");
            });
            assertThat(lines.get("delivery-service.log")).anySatisfy(json -> {
                assertThat(json.path("service").asText()).isEqualTo("delivery-service");
                assertThat(json.path("loggerName").asText()).isEqualTo("org.securemail.delivery.attempt");
                assertThat(json.path("message").asText()).startsWith(queueId + ": to=<alice@relay.example>, relay=127.0.0.1"
                        + "[127.0.0.1]:" + nextHop.port() + ", attempt=1, delay=").contains(", status=delivered (250 ");
            });
        }
    }

    /**
     * Issue 14: a sender's zone that stops answering delays only the mail whose checks need it. The stage's lookups go
     * through the real DNS service to its upstream, where the zone is dead: that message is parked in Kafka while the
     * mail from answering zones is delivered, and it is delivered once the zone answers again.
     */
    @Test
    void aZoneThatStopsAnsweringDelaysOnlyTheMailThatNeedsIt() throws Exception {
        try (SmtpSink nextHop = SmtpSink.start()) {
            String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Inspected\"}"));
            // DMARC quarantine: the stage waits for a sender's DMARC answer (a tag-only policy would not wait)
            api().post("/api/v1/domains", """
                    {"name":"inspected.example","tenantId":"%s","inboundEnabled":true,
                     "nextHops":[{"host":"127.0.0.1","port":%d,"preference":10,"tls":"NONE"}],
                     "recipientListOnly":false,"outboundAllowed":false,
                     "policy":{"spf":"TAG","dmarc":"QUARANTINE"}}""".formatted(tenantId, nextHop.port()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(SmtpProbe.rcptReply(mxPort, "carol@inspected.example")).startsWith("250"));
            resolver.zone("stalled.example").mode(TestDnsServer.Mode.DEAD);

            String stalledId = "<stalled-" + System.nanoTime() + "@stalled.example>";
            assertThat(SmtpProbe.send(mxPort, "x@stalled.example", "carol@inspected.example",
                    "Message-ID: " + stalledId + "\r\nSubject: stalled\r\n\r\nwaits for its zone\r\n"))
                    .startsWith("250 2.0.0");
            List<String> flowing = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = "<flowing-" + i + "-" + System.nanoTime() + "@answering.example>";
                flowing.add(id);
                assertThat(SmtpProbe.send(mxPort, "y@answering.example", "carol@inspected.example",
                        "Message-ID: " + id + "\r\nSubject: flowing\r\n\r\nanswered\r\n")).startsWith("250 2.0.0");
            }

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(nextHop.received)
                    .extracting(received -> received.data().replaceAll("(?s).*Message-ID: (<[^>]+>).*", "$1"))
                    .containsAll(flowing));
            assertThat(nextHop.received).noneMatch(received -> received.data().contains(stalledId));
            assertThat(stack.services.get("ingest-service").get("/q/metrics").body())
                    .containsPattern("ingest_inspection_messages_total\\{outcome=\"parked\"[^}]*} [1-9]");

            resolver.zone("stalled.example").mode(TestDnsServer.Mode.ANSWER);
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(nextHop.received)
                    .anySatisfy(received -> assertThat(received.data()).contains(stalledId)
                            .startsWith("Authentication-Results: " + AUTHSERV + ";\r\n"
                                    + "\tspf=fail smtp.mailfrom=x@stalled.example;")));
        }
    }

    /**
     * Domain ownership end to end (issue 12): a tenant's domain reaches the ingress only once the API has found the
     * tenant's token in DNS, looked up through the real DNS service (dns.queries over the broker, then the upstream).
     */
    @Test
    void aTenantsDomainTakesEffectOnceItsTokenIsFoundThroughTheDnsService() throws Exception {
        String recipient = "someone@owned.example";
        String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Owner\"}"));
        String key = field(api().post("/api/v1/api-keys", "{\"role\":\"TENANT\",\"tenantId\":\"%s\"}".formatted(tenantId)), "key");
        OperatorApi tenant = new OperatorApi(stack.services.get("provisioning-api"), key);
        String created = tenant.post("/api/v1/domains", """
                {"name":"owned.example","inboundEnabled":true,
                 "nextHops":[{"host":"127.0.0.1","port":25,"preference":10}]}""");
        String id = OperatorApi.id(created);
        assertThat(field(created, "txtName")).isEqualTo("_securemail-verification.owned.example");

        // checked through the DNS service (the upstream synthesises "v=spf1 -all"): pending, not in effect
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> tenant.get("/api/v1/domains/" + id).contains("\"outcome\":\"MISMATCH\""));
        assertThat(SmtpProbe.rcptReply(mxPort, recipient)).startsWith("550 5.7.1");

        resolver.record("_securemail-verification.owned.example", "TXT", "\"" + field(created, "txtValue") + "\"");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(SmtpProbe.rcptReply(mxPort, recipient)).startsWith("250"));
        assertThat(tenant.get("/api/v1/domains/" + id)).contains("\"state\":\"VERIFIED\"").contains("\"verifiedBy\":\"DNS\"");
    }

    private static String field(String json, String name) {
        return json.replaceAll("(?s).*\"" + name + "\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    private static OperatorApi api() {
        return new OperatorApi(stack.services.get("provisioning-api"), OPERATOR_KEY);
    }
}
