package org.securemail.ingest.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.securemail.common.flow.AdmissionGate;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.DomainNames;
import org.securemail.common.mail.InspectionSummary;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.observe.MessageTracing;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.inspect.dnsbl.DnsblZone;

/**
 * The stage between {@code mail.accepted} and {@code mail.ready} (docs/inspection.md). For each record: submitted
 * (outbound) mail and DSNs pass unchanged; inbound mail is inspected, gets one {@code Authentication-Results} field
 * (forged ones with our authserv-id removed) and goes to {@code mail.ready}, or to {@code mail.quarantine} when a
 * recipient domain's policy says so. A message whose checks met a DNS failure is parked on {@code inspect.park} and
 * inspected again later, until the longest wait is over; then it goes on with {@code temperror} recorded (fail open,
 * ADR 0071). The record is acknowledged once everything it became is acknowledged by the broker.
 *
 * <p>Records are admitted concurrently (up to {@code max-in-flight}) and acknowledged in any order, so a message
 * whose lookups are slow never holds up the ones behind it.
 */
public final class InspectionStage {

    private static final Logger LOG = Logger.getLogger(InspectionStage.class);
    private static final MessageLog MAIL = MessageLog.of(InspectionStage.class);
    /** The Kafka header with the verdict on a quarantined message (JSON {@link QuarantineNote}). */
    public static final String VERDICT_HEADER = "sm-verdict";

    private final Inspector inspector;
    private final PolicySource policies;
    private final StageOutbox outbox;
    private final ObjectMapper mapper;
    private final InspectionSettings settings;
    private final String authservId;
    private final Clock clock;
    private final AdmissionGate gate;
    /** The memory bound, in KiB of the three copies of each message in progress. */
    private final AdmissionGate memory;
    private final MeterRegistry registry;
    private final MessageTracing tracing;

    public InspectionStage(Inspector inspector, PolicySource policies, StageOutbox outbox, ObjectMapper mapper,
            InspectionSettings settings, String authservId, Clock clock, MeterRegistry registry) {
        this(inspector, policies, outbox, mapper, settings, authservId, clock, registry, MessageTracing.off());
    }

    /** With traces on, each inspection is a span under the record's trace context, its lookups and writes under it. */
    public InspectionStage(Inspector inspector, PolicySource policies, StageOutbox outbox, ObjectMapper mapper,
            InspectionSettings settings, String authservId, Clock clock, MeterRegistry registry,
            MessageTracing tracing) {
        this.tracing = tracing;
        this.inspector = inspector;
        this.policies = policies;
        this.outbox = outbox;
        this.mapper = mapper;
        this.settings = settings;
        this.authservId = authservId;
        this.clock = clock;
        this.gate = new AdmissionGate(settings.maxInFlight());
        this.memory = new AdmissionGate((int) Math.min(Integer.MAX_VALUE, settings.maxInFlightBytes() / 1024));
        this.registry = registry;
        registry.gauge("ingest.inspection.in.flight", gate, AdmissionGate::inUse);
        registry.gauge("ingest.inspection.in.flight.kib", memory, AdmissionGate::inUse);
    }

    /** Where a recipient domain's policy comes from (the provisioning state). */
    @FunctionalInterface
    public interface PolicySource {
        Optional<DomainPolicy> policy(String domain);
    }

    /**
     * Admits one record: waits until it is due (parked records) and for a slot, starts its inspection and returns.
     * The record is acknowledged when what it became is written.
     */
    public Uni<Void> admit(Message<byte[]> message) {
        MailEnvelope envelope;
        ParkState park;
        try {
            byte[] json = header(message, MailHeaders.ENVELOPE);
            if (json == null) {
                throw new IllegalArgumentException("no " + MailHeaders.ENVELOPE + " header");
            }
            envelope = mapper.readValue(json, MailEnvelope.class);
            byte[] parked = header(message, ParkState.HEADER);
            park = parked == null ? null : mapper.readValue(parked, ParkState.class);
        } catch (Exception e) {
            LOG.warnf("dead-lettering an unreadable record: %s", e.getMessage());
            count("invalid");
            return Uni.createFrom().completionStage(message.nack(e));
        }
        Uni<Void> due = Uni.createFrom().voidItem();
        if (park != null && park.dueAt() != null) {
            long wait = Duration.between(clock.instant(), park.dueAt()).toMillis();
            if (wait >= 1) {
                due = Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(wait));
            }
        }
        ParkState state = park;
        int kib = weight(message.getPayload());
        return due.chain(() -> gate.acquire()).chain(() -> memory.acquire(kib))
                .invoke(() -> start(message, envelope, state, kib));
    }

    /** KiB of the three copies a message takes while it is inspected. */
    private static int weight(byte[] payload) {
        long bytes = 3L * (payload == null ? 0 : payload.length);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (bytes + 1023) / 1024));
    }

    private void start(Message<byte[]> message, MailEnvelope envelope, ParkState park, int kib) {
        Span span = tracing.enabled() ? span(message, envelope, park) : null;
        Uni<Void> work;
        try {
            work = process(envelope, message.getPayload(), park, span);
        } catch (RuntimeException e) {
            work = Uni.createFrom().failure(e);
        }
        java.util.function.Consumer<Void> done = ok -> {
            memory.release(kib);
            gate.release();
            if (span != null) {
                span.end();
            }
            message.ack();
        };
        java.util.function.Consumer<Throwable> failed = failure -> {
            memory.release(kib);
            gate.release();
            if (span != null) {
                MessageTracing.fail(span, failure);
            }
            MAIL.error(envelope.queueId(), failure, "inspection of %s failed; the record is dead-lettered",
                    envelope.queueId());
            message.nack(failure);
        };
        if (span == null) {
            work.subscribe().with(done, failed);
        } else {
            // the lookups (dns-client) and the writes (StageOutbox) find the inspection's context in the subscription
            work.subscribe().with(MessageTracing.subscription(MessageTracing.context(parent(message), span,
                    envelope.queueId())), done, failed);
        }
    }

    /** The inspection's span, under the record's trace context (the connector's receive span, or its headers). */
    private Span span(Message<byte[]> message, MailEnvelope envelope, ParkState park) {
        Span span = tracing.start("inspection", SpanKind.INTERNAL, parent(message), envelope.queueId());
        span.setAttribute("securemail.direction", String.valueOf(envelope.direction()));
        span.setAttribute("securemail.recipients", envelope.recipients().size());
        span.setAttribute("securemail.inspection.pass", park == null ? 1 : park.passes() + 1);
        return span;
    }

    private io.opentelemetry.context.Context parent(Message<byte[]> message) {
        return TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext)
                .orElseGet(() -> tracing.extract(message.getMetadata(IncomingKafkaRecordMetadata.class)
                        .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null)));
    }

    Uni<Void> process(MailEnvelope envelope, byte[] raw, ParkState park) {
        return process(envelope, raw, park, null);
    }

    /** @param span the inspection's span (null when traces are off): the outcome is noted on it */
    Uni<Void> process(MailEnvelope envelope, byte[] raw, ParkState park, Span span) {
        if (envelope.direction() != Direction.INBOUND) {
            count("passed");
            outcome(span, "passed");
            MAIL.debug(envelope.queueId(), "%s: passed to mail.ready (not inbound)", envelope.queueId());
            return write(Topics.MAIL_READY, envelope.queueId(), raw, envelopeHeaders(envelope));
        }
        Instant now = clock.instant();
        ParkState pass = park == null ? new ParkState(now, 1, null, List.of()) : new ParkState(park.firstSeenAt(),
                park.passes() + 1, null, List.of());
        Map<String, List<String>> byDomain = recipientsByDomain(envelope);
        Map<String, DomainPolicy> policyOf = new HashMap<>();
        byDomain.keySet().forEach(d -> policyOf.put(d, policies.policy(d).orElse(PolicyDecision.DEFAULT)));
        Inspector.CheckPlan plan = plan(policyOf.values());
        Duration guard = settings.checkDeadline().plusSeconds(5);
        return inspector.inspect(envelope, raw, plan)
                .ifNoItem().after(guard).recoverWithItem(() -> null)
                .chain(report -> decide(envelope, raw, pass, byDomain, policyOf, report, span));
    }

    private static void outcome(Span span, String outcome) {
        if (span != null) {
            span.setAttribute("securemail.inspection.outcome", outcome);
        }
    }

    private Uni<Void> decide(MailEnvelope envelope, byte[] raw, ParkState pass, Map<String, List<String>> byDomain,
            Map<String, DomainPolicy> policyOf, InspectionReport report, Span span) {
        List<String> temporary = report == null ? List.of("all") : report.temporary();
        // wait only for what a recipient domain's policy could act on; the rest goes on with temperror in the header
        List<String> awaited = report == null ? temporary : mattering(temporary, policyOf.values());
        Instant now = clock.instant();
        boolean waitedEnough = !now.isBefore(pass.firstSeenAt().plus(settings.maxWait()));
        if (!awaited.isEmpty() && !waitedEnough) {
            count("parked");
            outcome(span, "parked");
            MAIL.debug(envelope.queueId(), "%s: %s not final (pass %d); parked for %s", envelope.queueId(), awaited,
                    pass.passes(), settings.parkDelay());
            ParkState next = new ParkState(pass.firstSeenAt(), pass.passes(), now.plus(settings.parkDelay()),
                    awaited);
            Map<String, byte[]> headers = envelopeHeaders(envelope);
            headers.put(ParkState.HEADER, json(next));
            return write(Topics.INSPECT_PARK, envelope.queueId(), raw, headers);
        }
        InspectionReport final_ = report == null ? new InspectionReport(null, List.of(), null, null, null, null)
                : report;
        if (!awaited.isEmpty()) {
            count("failed-open");
            MAIL.info(envelope.queueId(), "%s: %s still not final after %s; going on with temperror recorded (fail"
                    + " open)", envelope.queueId(), awaited, Duration.between(pass.firstSeenAt(), now));
        }
        byte[] stamped = stamp(raw, final_);
        Map<Verdict, List<String>> groups = new LinkedHashMap<>();
        byDomain.forEach((domain, rcpts) -> groups.computeIfAbsent(
                PolicyDecision.decide(policyOf.get(domain), final_), v -> new ArrayList<>()).addAll(rcpts));
        List<Uni<Void>> writes = new ArrayList<>();
        outcome(span, groups.keySet().stream().map(v -> v.action().name().toLowerCase(Locale.ROOT)).distinct()
                .collect(java.util.stream.Collectors.joining(",")) + (awaited.isEmpty() ? "" : ",failed-open"));
        for (Map.Entry<Verdict, List<String>> group : groups.entrySet()) {
            MailEnvelope part = withRecipients(envelope, group.getValue(), stamped.length);
            Map<String, byte[]> headers = envelopeHeaders(part);
            Verdict verdict = group.getKey();
            count(verdict.action().name().toLowerCase(Locale.ROOT));
            headers.put(MailHeaders.INSPECTION, json(new InspectionSummary(clock.instant(), verdict.action().name(),
                    final_.lines(), verdict.reasons(), awaited, pass.passes())));
            if (verdict.action() == Verdict.Action.DELIVER) {
                if (MAIL.isDebugEnabled()) {
                    MAIL.debug(envelope.queueId(), "%s: DELIVER for %s: %s", envelope.queueId(), group.getValue(),
                            final_.lines());
                }
                writes.add(write(Topics.MAIL_READY, envelope.queueId(), stamped, headers));
            } else {
                MAIL.info(envelope.queueId(), "%s: %s for %s: %s", envelope.queueId(), verdict.action(),
                        group.getValue(), verdict.reasons());
                headers.put(VERDICT_HEADER, json(new QuarantineNote(verdict.action(), verdict.reasons(), awaited,
                        clock.instant())));
                writes.add(write(Topics.MAIL_QUARANTINE, envelope.queueId(), stamped, headers));
            }
        }
        return Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    /**
     * One write, tried again with backoff (1 s doubling to 30 s, for about 10 minutes) when the broker does not take
     * it: a broker outage must not dead-letter inbound mail, and a retry of one write never repeats the others of a
     * split message. Past that the record is dead-lettered and an operator replays it.
     */
    private Uni<Void> write(String topic, String key, byte[] value, Map<String, byte[]> headers) {
        return Uni.createFrom().deferred(() -> outbox.send(topic, key, value, headers))
                .onFailure().invoke(e -> MAIL.warn(key, "%s: writing to %s failed (%s); trying again", key, topic,
                        e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(25);
    }

    /** The message with the one header field of our results on top, forged ones removed. */
    byte[] stamp(byte[] raw, InspectionReport report) {
        return AuthenticationResults.stamp(authservId, raw, report);
    }

    /**
     * The temporary checks a policy could act on: SPF under an SPF or DMARC mode that acts, DKIM and DMARC under a DMARC
     * mode that acts, the blocklists when a domain has zones, the scanner. iprev never decides anything.
     */
    static List<String> mattering(List<String> temporary, Iterable<DomainPolicy> policies) {
        boolean spf = false;
        boolean dmarc = false;
        boolean dnsbl = false;
        for (DomainPolicy p : policies) {
            dmarc |= acts(p.dmarc());
            spf |= acts(p.spf()) || acts(p.dmarc());
            dnsbl |= !p.dnsblZones().isEmpty();
        }
        List<String> mattering = new ArrayList<>();
        for (String check : temporary) {
            boolean matters = switch (check) {
                case "spf" -> spf;
                case "dkim", "dmarc" -> dmarc;
                case "dnsbl" -> dnsbl;
                case "content" -> true;
                default -> false;
            };
            if (matters) {
                mattering.add(check);
            }
        }
        return mattering;
    }

    private static boolean acts(String mode) {
        return "quarantine".equalsIgnoreCase(mode) || "reject".equalsIgnoreCase(mode);
    }

    static Inspector.CheckPlan plan(Iterable<DomainPolicy> policies) {
        boolean spf = false;
        boolean dmarc = false;
        Set<String> zones = new LinkedHashSet<>();
        for (DomainPolicy p : policies) {
            spf |= !"off".equalsIgnoreCase(p.spf());
            dmarc |= !"off".equalsIgnoreCase(p.dmarc());
            zones.addAll(p.dnsblZones());
        }
        List<DnsblZone> dnsbl = new ArrayList<>();
        for (String zone : zones) {
            try {
                dnsbl.add(DnsblZone.of(zone));
            } catch (IllegalArgumentException e) {
                LOG.debugf("ignoring a policy's DNSBL zone: %s", e.getMessage());
            }
        }
        return new Inspector.CheckPlan(spf, dmarc, dnsbl);
    }

    static Map<String, List<String>> recipientsByDomain(MailEnvelope envelope) {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String rcpt : envelope.recipients()) {
            String domain = rcpt.substring(rcpt.lastIndexOf('@') + 1);
            String key = DomainNames.normalise(domain).orElse(domain.toLowerCase(Locale.ROOT));
            byDomain.computeIfAbsent(key, d -> new ArrayList<>()).add(rcpt);
        }
        return byDomain;
    }

    private static MailEnvelope withRecipients(MailEnvelope e, List<String> recipients, long size) {
        return new MailEnvelope(e.queueId(), e.sender(), recipients, e.clientIp(), e.helo(), e.tlsProtocol(),
                e.authIdentity(), e.tenantId(), e.direction(), e.receivedAt(), size);
    }

    private Map<String, byte[]> envelopeHeaders(MailEnvelope envelope) {
        Map<String, byte[]> headers = new HashMap<>();
        headers.put(MailHeaders.ENVELOPE, json(envelope));
        return headers;
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private void count(String outcome) {
        registry.counter("ingest.inspection.messages", "outcome", outcome).increment();
    }

    private static byte[] header(Message<byte[]> message, String name) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getHeaders().lastHeader(name)).map(Header::value).orElse(null);
    }

    /**
     * Why a message is in quarantine.
     *
     * @param action    QUARANTINE, or REJECT (refused after the 250: held instead of bounced)
     * @param reasons   the checks that decided it
     * @param temporary the checks that had no final result (the message went on after the longest wait)
     * @param at        when the stage decided
     */
    public record QuarantineNote(Verdict.Action action, List<String> reasons, List<String> temporary, Instant at) {
    }
}
