package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.observe.MessageTracing;
import org.securemail.common.observe.TracingSwitch;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.dns.InjectTestDnsServer;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.testing.dns.TestDnsServerResource;

/**
 * Issue 16 item 5: a lookup through the dns-client is a {@code dns.lookup} span under the work that asked (the context
 * in its Mutiny subscription, as the inspection stage and delivery subscribe), with the name, type, status and the
 * message's queue id; its request carries the context over the real broker to the DNS service, whose receive span is
 * in the same trace. Client and service in one application, as in {@link KafkaDnsResolverTest}.
 */
@QuarkusTest
@TestProfile(DnsLookupTracingTest.TracedClient.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestDnsServerResource.class, restrictToAnnotatedClass = true)
class DnsLookupTracingTest {

    public static class TracedClient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(KafkaDnsResolver.ENABLED_PROPERTY, "true",
                    TracingSwitch.ENDPOINT, "http://127.0.0.1:4317",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @Inject
    DnsResolver resolver;

    @Inject
    OpenTelemetry otel;

    @Inject
    InMemorySpanExporter spans;

    @InjectTestDnsServer
    TestDnsServer upstream;

    @Test
    void aLookupIsASpanUnderTheWorkThatAskedAndTheServiceContinuesItsTrace() throws Exception {
        upstream.zone("traced-lookup.example");
        upstream.record("mx.traced-lookup.example", "A", "192.0.2.25");
        Span work = otel.getTracer("test").spanBuilder("test.work").startSpan();
        Context parent = MessageTracing.context(Context.root(), work, "QLOOKUP1");

        CompletableFuture<DnsAnswer> answered = new CompletableFuture<>();
        resolver.resolve("mx.traced-lookup.example", DnsType.A, Duration.ofSeconds(10)).subscribe()
                .with(MessageTracing.subscription(parent), answered::complete, answered::completeExceptionally);
        DnsAnswer answer = answered.get(20, TimeUnit.SECONDS);
        work.end();
        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);

        String traceId = work.getSpanContext().getTraceId();
        await().atMost(Duration.ofSeconds(30)).until(() -> lookup(traceId).isPresent()
                && spans.getFinishedSpanItems().stream().anyMatch(s -> s.getTraceId().equals(traceId)
                        && s.getAttributes().asMap().toString().contains("dns.queries")));
        spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).forEach(s -> System.out
                .printf("span %s %s parent=%s kind=%s %s%n", s.getName(), s.getSpanId(), s.getParentSpanId(),
                        s.getKind(), s.getAttributes()));
        SpanData lookup = lookup(traceId).orElseThrow();
        assertThat(lookup.getParentSpanId()).isEqualTo(work.getSpanContext().getSpanId());
        assertThat(lookup.getAttributes().get(AttributeKey.stringKey("dns.question.name")))
                .isEqualTo("mx.traced-lookup.example");
        assertThat(lookup.getAttributes().get(AttributeKey.stringKey("dns.question.type"))).isEqualTo("A");
        assertThat(lookup.getAttributes().get(AttributeKey.stringKey("dns.answer.status"))).isEqualTo("ANSWER");
        assertThat(lookup.getAttributes().get(MessageTracing.QUEUE_ID)).isEqualTo("QLOOKUP1");

        // the service's side of the request, in the same trace below the lookup
        List<SpanData> service = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId))
                .filter(s -> s.getAttributes().asMap().toString().contains("dns.queries"))
                .filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.CONSUMER).toList();
        assertThat(service).isNotEmpty();
        assertThat(ancestors(service.get(0))).contains(lookup.getSpanId());
    }

    private Optional<SpanData> lookup(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("dns.lookup"))
                .filter(s -> s.getTraceId().equals(traceId)).findFirst();
    }

    private List<String> ancestors(SpanData span) {
        List<String> up = new ArrayList<>();
        SpanData at = span;
        while (at != null && at.getParentSpanContext().isValid()) {
            String parent = at.getParentSpanId();
            up.add(parent);
            at = spans.getFinishedSpanItems().stream().filter(s -> s.getSpanId().equals(parent)).findFirst()
                    .orElse(null);
        }
        return up;
    }
}
