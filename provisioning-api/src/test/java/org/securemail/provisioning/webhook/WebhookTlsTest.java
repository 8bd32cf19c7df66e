package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.testing.FakeDnsProducer;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The https path, which production uses: the request goes to the address that was checked, and TLS still names the
 * host (SNI) and verifies the certificate against it. A real TLS server on loopback with a self-signed certificate for
 * {@code tls-hooks.test}, which the test profile trusts ({@code provisioning.webhooks.trust-certificates}).
 */
@QuarkusTest
class WebhookTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOP = "mx.example.net[192.0.2.2]:25";

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper json;

    @InjectKafkaBroker
    KafkaBroker broker;

    /** path, SNI name, Host header and body of each request the TLS server got. */
    record Seen(String path, String sni, String host, String body) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    HttpServer server;
    String tenant;
    String key;

    @BeforeEach
    void setUp() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setSsl(true).setSni(true)
                        .setKeyCertOptions(new PemKeyCertOptions().setKeyPath("webhook-tls/key.pem")
                                .setCertPath("webhook-tls/cert.pem")))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    seen.add(new Seen(request.path(), request.connection().indicatedServerName(),
                            request.getHeader("Host"), body.toString(StandardCharsets.UTF_8)));
                    request.response().setStatusCode(204).end();
                }))
                .listen(0).toCompletionStage().toCompletableFuture().join();
        FakeDnsProducer.DNS.answer("tls-hooks.test", DnsType.A, "127.0.0.1");
        tenant = Api.createTenant("webhook-tls");
        key = Api.tenantKey(tenant);
    }

    @AfterEach
    void tearDown() {
        List<String> ids = Api.as(key).get("/api/v1/webhooks").then().statusCode(200).extract().path("items.id");
        ids.forEach(id -> Api.as(key).delete("/api/v1/webhooks/" + id).then().statusCode(204));
        server.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anHttpsEndpointIsReachedAtTheCheckedAddressUnderItsNameWithSni() throws Exception {
        create("https://tls-hooks.test:" + server.actualPort() + "/secure");

        String id = send();

        await().atMost(WAIT).until(() -> seen.stream().anyMatch(s -> s.path().equals("/secure")));
        Seen request = seen.stream().filter(s -> s.path().equals("/secure")).findFirst().orElseThrow();
        assertThat(request.sni()).isEqualTo("tls-hooks.test");
        assertThat(request.host()).isEqualTo("tls-hooks.test:" + server.actualPort());
        assertThat(request.body()).contains(id);
    }

    @Test
    void aCertificateForAnotherNameIsRefusedAndNothingIsSent() throws Exception {
        String other = "other-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        FakeDnsProducer.DNS.answer(other, DnsType.A, "127.0.0.1"); // the same server, a name its certificate lacks
        String hook = create("https://" + other + ":" + server.actualPort() + "/wrong");

        send();

        await().atMost(WAIT).untilAsserted(() -> Api.as(key).get("/api/v1/webhooks/" + hook).then().statusCode(200)
                .body("lastFailure", notNullValue())
                .body("lastFailure", anyOf(containsString("SSL"), containsString("certificate"),
                        containsString("No subject alternative"))));
        assertThat(seen).noneMatch(s -> s.path().equals("/wrong"));
    }

    private String create(String url) {
        return Api.as(key).body(Map.of("url", url, "eventTypes", List.of("message.delivered"))).post("/api/v1/webhooks")
                .then().statusCode(201).extract().path("id");
    }

    /** A delivered attempt of a new message of the tenant; its queue id. */
    private String send() throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        MailEnvelope env = new MailEnvelope(id, "app@a.example", List.of("k@tls.example"), "192.0.2.1",
                "client.example", "TLSv1.3", "app", tenant, Direction.OUTBOUND, t0, 100);
        broker.send(Topics.MAIL_ACCEPTED, id, "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.ENVELOPE, json.writeValueAsBytes(env)));
        broker.send(Topics.DELIVERY_EVENTS, id, json.writeValueAsBytes(new DeliveryEvent(id, "k@tls.example", 1,
                Outcome.DELIVERED, HOP, "250 ok", null, t0.plusSeconds(1))), Map.of());
        return id;
    }
}
