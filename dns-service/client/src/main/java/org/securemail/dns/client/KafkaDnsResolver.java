package org.securemail.dns.client;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.reply.KafkaRequestReply;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsQuery;
import org.securemail.common.dns.DnsType;
import org.securemail.common.observe.MessageTracing;

/**
 * {@link DnsResolver} over Kafka: a request on {@code dns.queries} (key = zone) answered by the DNS service on
 * {@code dns.queries-replies}, with a local read-through cache fed from {@code dns.cache} and from the addresses an MX
 * answer brings (ADR 0091).
 *
 * <p>Whatever happens (service down, broker down, slow zone), the returned Uni completes by the deadline: with the
 * service's answer, a fresh local answer, a stale local answer, or TIMEOUT. It never fails.
 */
@ApplicationScoped
@IfBuildProperty(name = KafkaDnsResolver.ENABLED_PROPERTY, stringValue = "true", enableIfMissing = true)
public class KafkaDnsResolver implements DnsResolver {

    /** Build property; set it to false in a service that has the jar on its class path but no use for the beans. */
    public static final String ENABLED_PROPERTY = "securemail.dns.client.enabled";
    public static final String REQUESTS_CHANNEL = "dns-requests";

    private static final Logger LOG = Logger.getLogger(KafkaDnsResolver.class);
    /** Most entries taken from one MX answer's additional section (the service sends A and AAAA of 4 hosts). */
    static final int MAX_ADDITIONAL = 32;

    private final KafkaRequestReply<DnsQuery, DnsAnswer> requests;
    private final LocalDnsCache local;
    private final MessageTracing tracing;

    /**
     * @param otel        the service's OpenTelemetry (none where the service has no tracing extension)
     * @param otelDisabled whether the SDK is off ({@code quarkus.otel.sdk.disabled}; on with SECUREMAIL_OTEL_ENDPOINT)
     */
    @Inject
    KafkaDnsResolver(@Channel(REQUESTS_CHANNEL) KafkaRequestReply<DnsQuery, DnsAnswer> requests,
            LocalDnsCache local, Instance<OpenTelemetry> otel,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean otelDisabled) {
        this.requests = requests;
        this.local = local;
        this.tracing = otelDisabled || !otel.isResolvable() ? MessageTracing.off()
                : MessageTracing.of(otel.get(), true);
    }

    @Override
    public Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
        if (!tracing.enabled()) {
            return resolve(name, type, deadline, null);
        }
        // a span per lookup, under the context of the work that asked (the inspection, the delivery of a message)
        return tracing.withParent(parent -> {
            Span span = tracing.start("dns.lookup", SpanKind.CLIENT, parent, null);
            span.setAttribute("dns.question.name", name);
            span.setAttribute("dns.question.type", type.name());
            return resolve(name, type, deadline, new LookupTrace(span, MessageTracing.context(parent, span, null)))
                    .onItemOrFailure().invoke((answer, failure) -> {
                        if (answer != null) {
                            span.setAttribute("dns.answer.status", answer.status().name());
                            span.setAttribute("dns.answer.records", answer.records().size());
                        }
                        span.end();
                    });
        });
    }

    /** The span of one lookup, and its context for the request's headers. */
    private record LookupTrace(Span span, Context context) {
    }

    private Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline, LookupTrace trace) {
        String normalized = Zones.normalize(name);
        long now = System.currentTimeMillis();
        Optional<DnsAnswer> fresh = local.fresh(normalized, type, now);
        if (fresh.isPresent()) {
            if (trace != null) {
                trace.span().setAttribute("securemail.dns.source", "local-cache");
            }
            return Uni.createFrom().item(fresh.get());
        }
        DnsQuery query = new DnsQuery(normalized, type, now + deadline.toMillis());
        return Uni.createFrom().deferred(() -> requests.request(request(query, normalized, trace)))
                .map(Message::getPayload)
                .invoke(this::keepAdditional)
                .ifNoItem().after(deadline).recoverWithItem(() -> fallback(normalized, type, "no answer from the DNS service by the deadline"))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf(failure, "DNS request for %s/%s failed", type, normalized);
                    return fallback(normalized, type, "DNS service request failed: " + failure.getClass().getSimpleName());
                });
    }

    /** The request, keyed by zone; with traces on it carries the lookup's context (the DNS service continues it). */
    private Message<DnsQuery> request(DnsQuery query, String normalized, LookupTrace trace) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(Zones.zoneOf(normalized));
        if (trace == null) {
            return Message.of(query).addMetadata(metadata.build());
        }
        trace.span().setAttribute("securemail.dns.source", "dns-service");
        RecordHeaders headers = new RecordHeaders();
        tracing.inject(trace.context(), headers);
        return Message.of(query).addMetadata(metadata.withHeaders(headers).build())
                .addMetadata(TracingMetadata.withCurrent(trace.context()));
    }

    private void keepAdditional(DnsAnswer answer) {
        keepAdditional(answer, local);
    }

    /**
     * The addresses an MX answer brought (ADR 0091) go into the local copy of the shared cache, as the cache feed would
     * bring them a moment later, so the route's next lookups need no request. Only A and AAAA entries of an MX answer,
     * at most {@link #MAX_ADDITIONAL}.
     */
    static void keepAdditional(DnsAnswer answer, LocalDnsCache local) {
        if (answer == null || answer.type() != DnsType.MX) {
            return;
        }
        answer.additional().stream()
                .filter(e -> e.name() != null && (e.type() == DnsType.A || e.type() == DnsType.AAAA))
                .limit(MAX_ADDITIONAL)
                .forEach(e -> local.apply(e.key(), e));
    }

    private DnsAnswer fallback(String name, DnsType type, String detail) {
        return local.stale(name, type, System.currentTimeMillis(), detail)
                .orElseGet(() -> DnsAnswer.timeout(name, type, detail));
    }
}
