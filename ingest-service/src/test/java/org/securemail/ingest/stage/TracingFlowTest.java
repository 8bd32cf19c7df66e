package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsType;
import org.securemail.common.observe.MessageTracing;
import org.securemail.common.observe.TracingSwitch;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.FakeDnsBean;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;

/**
 * Issue 16 item 5: with traces switched on the way an operator does it ({@code SECUREMAIL_OTEL_ENDPOINT}; the spans go
 * to an in-memory exporter instead of the collector), one message is one trace from the SMTP transaction through the
 * {@code traceparent} header of its record on {@code mail.accepted}, read back by the stage on the real broker, to the
 * inspection and the record it writes to {@code mail.ready}.
 */
@QuarkusTest
@TestProfile(TracingFlowTest.Traced.class)
class TracingFlowTest extends ProvisionedIngressTestBase {

    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(TracingSwitch.ENDPOINT, "http://127.0.0.1:4317",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Test
    void oneTraceRunsFromTheSmtpAcceptThroughTheKafkaHeaderToTheInspection() throws Exception {
        FakeDnsBean.FAKE.answer("traced-sender.example", DnsType.TXT, "v=spf1 ip4:127.0.0.1 -all");
        String id = StageFlowTest.sendMx("alice@traced-sender.example", "bob@" + Fixtures.INBOUND, "");

        ConsumerRecord<String, byte[]> accepted = found(Topics.MAIL_ACCEPTED, id);
        ConsumerRecord<String, byte[]> ready = found(Topics.MAIL_READY, id);
        await().atMost(Duration.ofSeconds(30)).until(() -> span("inspection", id).isPresent());
        SpanData accept = span("smtp.accept", id).orElseThrow();
        SpanData publish = span(Topics.MAIL_ACCEPTED + " publish", id).orElseThrow();
        SpanData inspection = span("inspection", id).orElseThrow();
        dump(accept.getTraceId());

        // the transaction: the 250 on the span, the write under it, its context in the record's header
        assertThat(accept.getParentSpanContext().isValid()).isFalse();
        assertThat(accept.getAttributes().get(AttributeKey.longKey("smtp.reply.code"))).isEqualTo(250L);
        assertThat(publish.getTraceId()).isEqualTo(accept.getTraceId());
        assertThat(publish.getParentSpanId()).isEqualTo(accept.getSpanId());
        assertThat(traceparent(accepted)).isEqualTo("00-" + accept.getTraceId() + "-" + publish.getSpanId() + "-01");

        // the stage, in another consumer of the broker, continues that trace below the header's span
        assertThat(inspection.getTraceId()).isEqualTo(accept.getTraceId());
        assertThat(ancestors(inspection)).contains(publish.getSpanId());
        assertThat(inspection.getAttributes().get(AttributeKey.stringKey("securemail.inspection.outcome")))
                .isEqualTo("deliver");
        // and hands it on to delivery in mail.ready's header
        assertThat(traceparent(ready)).startsWith("00-" + accept.getTraceId() + "-");
    }

    private ConsumerRecord<String, byte[]> found(String topic, String id) {
        Optional<ConsumerRecord<String, byte[]>> r = Fixtures.find(broker, topic, id, Duration.ofSeconds(60));
        assertThat(r).as(id + " on " + topic).isPresent();
        return r.get();
    }

    private Optional<SpanData> span(String name, String queueId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
                .filter(s -> queueId.equals(s.getAttributes().get(MessageTracing.QUEUE_ID))).findFirst();
    }

    /** The span ids above {@code span}, as far as the exported spans reach, then the first one not exported. */
    private List<String> ancestors(SpanData span) {
        List<String> up = new java.util.ArrayList<>();
        SpanData at = span;
        while (at != null && at.getParentSpanContext().isValid()) {
            String parent = at.getParentSpanId();
            up.add(parent);
            at = spans.getFinishedSpanItems().stream().filter(s -> s.getSpanId().equals(parent)).findFirst()
                    .orElse(null);
        }
        return up;
    }

    private void dump(String traceId) {
        spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).forEach(s -> System.out
                .printf("span %s %s parent=%s kind=%s %s%n", s.getName(), s.getSpanId(), s.getParentSpanId(),
                        s.getKind(), s.getAttributes()));
    }

    private static String traceparent(ConsumerRecord<String, byte[]> record) {
        Header h = record.headers().lastHeader("traceparent");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
