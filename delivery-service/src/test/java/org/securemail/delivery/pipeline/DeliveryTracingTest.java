package org.securemail.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.observe.MessageTracing;
import org.securemail.common.observe.TracingSwitch;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.testing.NextHopPortResource;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.SmtpSink;

/**
 * Issue 16 item 5: delivery continues the trace a record on {@code mail.ready} carries in its {@code traceparent}
 * header (as the inspection stage writes it): the attempt to the next hop is a span below that context, with the next
 * hop and its reply, and the events it writes carry the trace on. Traces are switched on as an operator does it
 * ({@code SECUREMAIL_OTEL_ENDPOINT}); the spans go to an in-memory exporter.
 */
@QuarkusTest
@TestProfile(DeliveryTracingTest.Traced.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = NextHopPortResource.class, restrictToAnnotatedClass = true)
class DeliveryTracingTest {

    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(TracingSwitch.ENDPOINT, "http://127.0.0.1:4317",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper mapper;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theAttemptIsASpanBelowTheContextInTheRecordsHeaders() throws Exception {
        try (SmtpSink sink = SmtpSink.start()) {
            String domain = "traced-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
            DomainRecord route = new DomainRecord(domain, "tenant-1", true,
                    List.of(new NextHop("127.0.0.1", sink.port(), 10, TlsPolicy.OPPORTUNISTIC)), false, 0, true, null, 1);
            broker.send(Topics.PROVISIONING_DOMAINS, domain, mapper.writeValueAsBytes(route), Map.of());
            String queueId = "QTRACED" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
            MailEnvelope envelope = new MailEnvelope(queueId, "alice@origin.test", List.of("bob@" + domain),
                    "192.0.2.10", "client.test", null, null, "tenant-1", Direction.OUTBOUND, Instant.now(), 40);

            broker.send(Topics.MAIL_READY, queueId, ("Subject: traced\r\n\r\nHello.\r\n").getBytes(StandardCharsets.UTF_8),
                    Map.of(MailHeaders.ENVELOPE, mapper.writeValueAsBytes(envelope),
                            "traceparent", ("00-" + TRACE_ID + "-" + SPAN_ID + "-01").getBytes(StandardCharsets.UTF_8)));

            await().atMost(Duration.ofSeconds(30)).until(() -> sink.received.size() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> span("delivery.attempt", queueId).isPresent()
                    && span("delivery", queueId).isPresent());
            SpanData attempt = span("delivery.attempt", queueId).orElseThrow();
            SpanData delivery = span("delivery", queueId).orElseThrow();
            spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(TRACE_ID)).forEach(s -> System.out
                    .printf("span %s %s parent=%s kind=%s %s%n", s.getName(), s.getSpanId(), s.getParentSpanId(),
                            s.getKind(), s.getAttributes()));

            assertThat(attempt.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(attempt.getParentSpanId()).isEqualTo(delivery.getSpanId());
            assertThat(ancestors(attempt)).endsWith(SPAN_ID);
            assertThat(attempt.getAttributes().get(AttributeKey.stringKey("securemail.next_hop")))
                    .isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port());
            assertThat(attempt.getAttributes().get(AttributeKey.stringKey("smtp.reply"))).startsWith("250");
            assertThat(attempt.getAttributes().get(AttributeKey.stringKey("securemail.destination"))).isEqualTo(domain);
            assertThat(attempt.getAttributes().get(AttributeKey.longKey("securemail.attempt"))).isEqualTo(1L);

            // the DELIVERED event carries the trace on (tracking, a webhook, continue it)
            ConsumerRecord<String, byte[]> event = await().atMost(Duration.ofSeconds(30)).until(
                    () -> broker.read(Topics.DELIVERY_EVENTS, 1000, Duration.ofSeconds(1)).stream()
                            .filter(r -> queueId.equals(r.key())).findFirst().orElse(null), r -> r != null);
            Header traceparent = event.headers().lastHeader("traceparent");
            assertThat(traceparent).isNotNull();
            assertThat(new String(traceparent.value(), StandardCharsets.UTF_8)).startsWith("00-" + TRACE_ID + "-");
        }
    }

    private Optional<SpanData> span(String name, String queueId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
                .filter(s -> queueId.equals(s.getAttributes().get(MessageTracing.QUEUE_ID))).findFirst();
    }

    /** The span ids above {@code span}, as far as the exported spans reach, then the first one not exported. */
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
