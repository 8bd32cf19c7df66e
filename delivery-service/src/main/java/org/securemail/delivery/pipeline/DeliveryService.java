package org.securemail.delivery.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.securemail.common.mail.DomainNames;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.observe.MessageTracing;
import org.securemail.delivery.config.DeliveryConfig;
import org.securemail.delivery.control.QueueControls;
import org.securemail.delivery.loops.EventLoops;
import org.securemail.delivery.messaging.KafkaOutbox;
import org.securemail.delivery.routing.RouteResolver;
import org.securemail.common.flow.AdmissionGate;
import org.securemail.delivery.scheduler.DestinationScheduler;
import org.securemail.delivery.smtp.AttemptResult;
import org.securemail.delivery.smtp.MessageContent;
import org.securemail.delivery.smtp.SmtpTransport;
import org.securemail.delivery.smtp.VertxSmtpTransport;
import org.securemail.delivery.state.RecipientStateStore;
import org.securemail.dns.client.DnsResolver;

/**
 * Delivers one message: recipients grouped by destination domain, each group routed (provisioned route or MX),
 * given a session slot by the {@link DestinationScheduler} and sent by the {@link SmtpTransport}
 * ({@link DestinationDelivery}). Per-recipient outcomes become {@link DeliveryEvent}s, final states, retry records
 * and DSNs ({@link OutcomeWriter}). The Kafka record is acknowledged only after all of these writes were
 * acknowledged; at shutdown the deliveries in progress are drained ({@link ShutdownDrain}).
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // metrics exist (at zero) before the first record, and the drain has a bean to run on
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);
    private static final MessageLog MAIL = MessageLog.of(DeliveryService.class);

    @Inject
    DeliveryConfig config;

    @Inject
    ObjectMapper mapper;

    @Inject
    KafkaOutbox outbox;

    @Inject
    RecipientStateStore state;

    @Inject
    DeliveryTables tables;

    @Inject
    SmtpTransport transport;

    @Inject
    Instance<DnsResolver> dnsResolvers;

    @Inject
    MeterRegistry registry;

    @Inject
    MessageTracing tracing;

    @Inject
    Vertx vertx;

    /**
     * Where deliveries start: the service's event loops in turn, not the context of the consumer that admitted the
     * record, whose one thread then only hands out records (a cold burst waited seconds on it, ADR 0092).
     */
    private EventLoops loops;

    private DestinationScheduler scheduler;
    private AdmissionGate gate;
    private ShutdownDrain shutdown;
    private OutcomeWriter outcomes;
    private DestinationDelivery destinations;
    private Counter invalidRecords;
    private Counter handledAgain;
    private final Map<String, Counter> operatorDirectives = new LinkedHashMap<>();
    /** From the acceptance of a new message to the start of its delivery: Kafka and the admission gate. */
    private Timer admissionWait;
    /** From the write of a new message's record on the input topic to the start of its delivery. */
    private Timer inputWait;

    private final java.util.concurrent.ScheduledExecutorService timers =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "delivery-queue-timers");
                t.setDaemon(true);
                return t;
            });

    @jakarta.annotation.PreDestroy
    void stop() {
        timers.shutdownNow();
    }

    /**
     * SIGTERM: ShutdownEvent observers run before the Kafka connector closes its consumers and producers, so
     * the deliveries in progress can still finish and acknowledge their records, whose offsets the connector
     * then commits.
     */
    void onShutdown(@Observes ShutdownEvent event) {
        shutdown.drain(config.shutdown().drainTimeout());
    }

    @PostConstruct
    void init() {
        DnsResolver dns = dnsResolvers.isResolvable() ? dnsResolvers.get() : null;
        if (dns == null) {
            LOG.warn("no DnsResolver bean is available: MX routing defers every recipient (4.4.3) until one is wired;"
                    + " provisioned routes with IP next hops still work");
        }
        RouteResolver resolver = new RouteResolver(tables.routes(), dns, config.nextHopPort(), config.dns().deadline(),
                config.dns().ipv6(), config.network().policy());
        DeliveryConfig.Scheduler s = config.scheduler();
        scheduler = new DestinationScheduler(s.destinationConcurrency(), s.destinationQueueLimit(),
                s.deadAfterFailures(), s.suspendInitial(), s.suspendMax(), s.queueWait(), timers, System::nanoTime);
        gate = new AdmissionGate(s.maxInFlightMessages());
        loops = new EventLoops(vertx);
        shutdown = new ShutdownDrain(gate);
        String hostname = config.hostname().orElseGet(VertxSmtpTransport::defaultHeloName);
        outcomes = new OutcomeWriter(config, hostname, outbox, state, mapper, registry);
        destinations = new DestinationDelivery(resolver, scheduler, transport, outcomes, shutdown, registry, tracing);
        admissionWait = Timer.builder("delivery.admission.wait")
                .description("from the acceptance of a new message to the start of its delivery").register(registry);
        inputWait = Timer.builder("delivery.input.wait")
                .description("from the write of a new message's record on the input topic to the start of its delivery"
                        + " (the rest of delivery.admission.wait is upstream: the inspection stage)").register(registry);
        handledAgain = Counter.builder("delivery.records.skipped.handled")
                .description("records read again after their retry or park record was written (a rebalance or a"
                        + " crash before the commit): skipped").register(registry);
        invalidRecords = Counter.builder("delivery.records.invalid")
                .description("records sent to the dead-letter topic because they cannot be read").register(registry);
        timers.scheduleAtFixedRate(() -> {
            int removed = state.evictUpdatedBefore(state.horizon(Instant.now()));
            if (removed > 0) {
                LOG.debugf("forgot the final state of %d message(s) past their lifetime", removed);
            }
        }, 1, 1, java.util.concurrent.TimeUnit.HOURS);
        for (String kind : List.of("hold", "delete", "requeue")) {
            operatorDirectives.put(kind, Counter.builder("delivery.operator.directives").tag("directive", kind)
                    .description("records held, deleted or moved behind released ones by an operator's command")
                    .register(registry));
        }
        tables.onRetryDestination(scheduler::retryNow);
        registry.gauge("delivery.operator.held", tables.controls(), QueueControls::held);
        registry.gauge("delivery.state.messages", state, RecipientStateStore::size);
        registry.gauge("delivery.messages.in.flight", gate, AdmissionGate::inUse);
        registry.gauge("delivery.destinations.suspended", scheduler, DestinationScheduler::suspendedCount);
    }

    public DestinationScheduler scheduler() {
        return scheduler;
    }

    /**
     * Admits one record: waits until it is due (retry tiers), until the tables are loaded and for an in-flight
     * permit, then starts the delivery and returns. The record is acknowledged when the delivery is finished.
     */
    public Uni<Void> admit(Message<byte[]> message, boolean retry) {
        WorkItem item;
        try {
            item = WorkItem.from(message, retry, mapper);
        } catch (WorkItem.InvalidRecordException e) {
            LOG.warnf("dead-lettering an unreadable record: %s", e.getMessage());
            invalidRecords.increment();
            return Uni.createFrom().completionStage(message.nack(e));
        }
        return Uni.createFrom().completionStage(tables.ready()).chain(() -> {
            if (state.isHandled(item.queueId(), item.source())) {
                // read again before its offset was committed (a rebalance, a crash): its retry or park record was
                // written, so handling it again would start a second chain for the same recipients (ADR 0089)
                MAIL.debug(item.queueId(), "%s: record %s was already handed on; skipped", item.queueId(),
                        item.source());
                handledAgain.increment();
                return Uni.createFrom().completionStage(message.ack());
            }
            return control(item, message);
        });
    }

    /**
     * Waits until the record is due, unless an operator's command (ADR 0084) releases it earlier, holds it, deletes it
     * or moves it behind the records it blocks; then starts the delivery.
     */
    private Uni<Void> control(WorkItem item, Message<byte[]> message) {
        Optional<IncomingKafkaRecordMetadata<String, byte[]>> meta = metadata(message);
        Instant writtenAt = meta.map(IncomingKafkaRecordMetadata::getTimestamp).orElse(null);
        Set<String> domains = new HashSet<>();
        item.envelope().recipients().forEach(r -> domains.add(domainOf(r)));
        QueueControls controls = tables.controls();
        QueueControls.Directive directive = controls.decide(item.queueId(), domains, writtenAt, item.dueAt(),
                Instant.now());
        if (directive instanceof QueueControls.Wait wait) {
            return Uni.createFrom().completionStage(() -> controls.sleep(wait.dueAt(), timers))
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .chain(() -> control(item, message));
        }
        if (directive instanceof QueueControls.Hold) {
            List<String> pending = pending(item);
            MAIL.info(item.queueId(), "%s: held by an operator; %d recipient(s) wait on the last retry tier",
                    item.queueId(), pending.size());
            operatorDirectives.get("hold").increment();
            settle(item, message, pending.isEmpty() ? Uni.createFrom().voidItem() : outcomes.held(item, pending));
            return Uni.createFrom().voidItem();
        }
        if (directive instanceof QueueControls.Delete delete) {
            List<String> pending = pending(item);
            MAIL.info(item.queueId(), "%s: deleted by an operator (action %s); %d pending recipient(s) bounce",
                    item.queueId(), delete.command().actionId(), pending.size());
            operatorDirectives.get("delete").increment();
            AttemptResult result = AttemptResult.permanent("550 5.7.1 message deleted by the operator of the mail"
                    + " system (action " + delete.command().actionId() + ")", null);
            settle(item, message, pending.isEmpty() ? Uni.createFrom().voidItem()
                    : outcomes.finish(item, RecipientOutcome.all(pending, result)));
            return Uni.createFrom().voidItem();
        }
        if (directive instanceof QueueControls.Requeue && meta.isPresent()) {
            operatorDirectives.get("requeue").increment();
            Map<String, String> headers = new LinkedHashMap<>();
            for (org.apache.kafka.common.header.Header h : meta.get().getHeaders()) {
                headers.put(h.key(), new String(h.value() == null ? new byte[0] : h.value(),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            settle(item, message, outcomes.requeueUnchanged(meta.get().getTopic(), item, headers));
            return Uni.createFrom().voidItem();
        }
        // admitted: the consumer's thread goes on to the next record, the delivery starts on a loop of its own
        return gate.acquire().invoke(() -> loops.next().runOnContext(v -> start(item, message)));
    }

    @SuppressWarnings("unchecked")
    private static Optional<IncomingKafkaRecordMetadata<String, byte[]>> metadata(Message<byte[]> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> (IncomingKafkaRecordMetadata<String, byte[]>) m);
    }

    /** The message's recipients without a final outcome. */
    private List<String> pending(WorkItem item) {
        return item.envelope().recipients().stream().distinct().filter(r -> !state.isFinal(item.queueId(), r))
                .toList();
    }

    /** Acknowledges the record once {@code writes} were acknowledged; dead-letters it if they failed. */
    private void settle(WorkItem item, Message<byte[]> message, Uni<Void> writes) {
        writes.subscribe().with(done -> message.ack(), failure -> {
            if (shutdown.over()) {
                return; // left for redelivery, as a delivery interrupted by the shutdown
            }
            MAIL.error(item.queueId(), failure, "%s: an operator's command could not be carried out; the record is"
                    + " dead-lettered", item.queueId());
            message.nack(failure);
        });
    }

    private void start(WorkItem item, Message<byte[]> message) {
        if (item.attempt() == 1 && item.dueAt() == null && item.receivedAt() != null) {
            Duration waited = Duration.between(item.receivedAt(), Instant.now());
            admissionWait.record(waited.isNegative() ? Duration.ZERO : waited);
            metadata(message).map(IncomingKafkaRecordMetadata::getTimestamp).filter(t -> t.toEpochMilli() > 0)
                    .ifPresent(written -> {
                        Duration sinceWritten = Duration.between(written, Instant.now());
                        inputWait.record(sinceWritten.isNegative() ? Duration.ZERO : sinceWritten);
                    });
        }
        Span span = tracing.enabled() ? span(item, message) : null;
        Uni<Void> work;
        try {
            work = process(item);
        } catch (RuntimeException e) {
            gate.release();
            if (span != null) {
                MessageTracing.fail(span, e);
            }
            MAIL.error(item.queueId(), e, "delivery of %s could not start; the record is dead-lettered",
                    item.queueId());
            message.nack(e);
            return;
        }
        // the lookups (dns-client), the attempts and the writes (KafkaOutbox) find the delivery's trace context in the
        // subscription, on whatever thread they run
        io.smallrye.mutiny.Context subscription = span == null ? io.smallrye.mutiny.Context.empty()
                : MessageTracing.subscription(MessageTracing.context(parent(message), span, item.queueId()));
        work.subscribe().with(subscription,
                        done -> {
                            gate.release();
                            if (span != null) {
                                span.end();
                            }
                            MAIL.debug(item.queueId(), "%s: finished; acknowledging its record", item.queueId());
                            message.ack();
                        },
                        failure -> {
                            gate.release();
                            if (span != null) {
                                MessageTracing.fail(span, failure);
                            }
                            if (shutdown.over()) {
                                // the connector is closing (its producers too): not a reason to give up on the mail
                                MAIL.debug(item.queueId(), "delivery of %s interrupted by the shutdown (%s); its record"
                                        + " is left for redelivery", item.queueId(), failure.getMessage());
                                return;
                            }
                            MAIL.error(item.queueId(), failure, "delivery of %s failed; the record is dead-lettered",
                                    item.queueId());
                            message.nack(failure);
                        });
    }

    /** The span of one delivery of a message (all its destinations), under the record's trace context. */
    private Span span(WorkItem item, Message<byte[]> message) {
        Span span = tracing.start("delivery", SpanKind.CONSUMER, parent(message), item.queueId());
        span.setAttribute("securemail.attempt", item.attempt());
        span.setAttribute("securemail.recipients", item.envelope().recipients().size());
        return span;
    }

    /** The record's trace context: the connector's receive span, or what its headers carry. */
    private io.opentelemetry.context.Context parent(Message<byte[]> message) {
        return TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext)
                .orElseGet(() -> tracing.extract(message.getMetadata(IncomingKafkaRecordMetadata.class)
                        .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null)));
    }

    Uni<Void> process(WorkItem item) {
        List<String> pending = item.envelope().recipients().stream().distinct()
                .filter(r -> !state.isFinal(item.queueId(), r)).toList();
        if (pending.isEmpty()) {
            MAIL.debug(item.queueId(), "%s: every recipient already has a final outcome", item.queueId());
            return Uni.createFrom().voidItem();
        }
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : pending) {
            byDomain.computeIfAbsent(domainOf(recipient), d -> new ArrayList<>()).add(recipient);
        }
        MessageContent content = MessageContent.of(item.raw());
        List<Uni<List<RecipientOutcome>>> groups = new ArrayList<>();
        byDomain.forEach((domain, recipients) -> groups.add(destinations.deliver(item, domain, recipients, content)));
        return Uni.join().all(groups).andFailFast().flatMap(lists -> {
            List<RecipientOutcome> all = new ArrayList<>();
            lists.forEach(all::addAll);
            return outcomes.finish(item, all);
        });
    }

    static String domainOf(String recipient) {
        int at = recipient.lastIndexOf('@');
        return at < 0 ? "" : DomainNames.canonical(recipient.substring(at + 1));
    }
}
