package org.securemail.delivery.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.bounce.DsnBuilder;
import org.securemail.delivery.config.DeliveryConfig;
import org.securemail.delivery.messaging.KafkaOutbox;
import org.securemail.delivery.retry.RetrySchedule;
import org.securemail.delivery.retry.RetryState;
import org.securemail.delivery.routing.Route;
import org.securemail.delivery.routing.RouteResolver;
import org.securemail.delivery.scheduler.AdmissionGate;
import org.securemail.delivery.scheduler.DestinationScheduler;
import org.securemail.delivery.smtp.AttemptResult;
import org.securemail.delivery.smtp.MessageContent;
import org.securemail.delivery.smtp.SessionResult;
import org.securemail.delivery.smtp.SmtpTransport;
import org.securemail.delivery.smtp.Transaction;
import org.securemail.delivery.state.RecipientStateStore;
import org.securemail.dns.client.DnsResolver;

/**
 * Delivers one message: recipients grouped by destination domain, each group routed (provisioned route or MX),
 * given a session slot by the {@link DestinationScheduler} and sent by the {@link SmtpTransport}. Per-recipient
 * outcomes become {@link DeliveryEvent}s; final ones are recorded for idempotence; deferred recipients go to a
 * retry tier; bounced ones (5xx, expired) get an RFC 3464 DSN to the sender. The Kafka record is acknowledged
 * only after all of these writes were acknowledged.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // metrics exist (at zero) before the first record, and the drain has a bean to run on
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);

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

    private RouteResolver resolver;
    private DestinationScheduler scheduler;
    private AdmissionGate gate;
    private RetrySchedule schedule;
    private DsnBuilder dsn;
    private String hostname;
    private final Map<Outcome, Counter> recipientCounters = new LinkedHashMap<>();
    private Counter bounceMessages;
    private Counter temporaryRouting;
    private Counter invalidRecords;
    private Counter parkedRecipients;

    private final java.util.concurrent.ScheduledExecutorService timers =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "delivery-queue-timers");
                t.setDaemon(true);
                return t;
            });

    /** Set once the shutdown drain is over: a delivery ending after it leaves its record for redelivery. */
    private volatile boolean abandoned;

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
        drain(config.shutdown().drainTimeout());
    }

    /**
     * Starts no new delivery and waits, at most {@code timeout}, for those in progress. A delivery that has not
     * finished by then is abandoned: its record is neither acknowledged nor dead-lettered, so its offset is not
     * committed and the next owner of the partition delivers it again (a duplicate is possible only if the
     * remote server had already accepted the data, as after a crash).
     *
     * @return the messages still in progress when the wait ended
     */
    public int drain(Duration timeout) {
        long start = System.nanoTime();
        int before = gate.inUse();
        gate.close();
        int left;
        try {
            left = gate.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            left = gate.inUse();
        }
        abandoned = true;
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        if (left == 0) {
            LOG.infof("shutdown: no new deliveries; the %d message(s) in progress finished in %d ms", before, millis);
        } else {
            LOG.warnf("shutdown: %d of %d message(s) still in delivery after %d ms; their records are left"
                    + " unacknowledged and will be delivered again by the next owner of the partition", left, before,
                    millis);
        }
        return left;
    }

    @PostConstruct
    void init() {
        DnsResolver dns = dnsResolvers.isResolvable() ? dnsResolvers.get() : null;
        if (dns == null) {
            LOG.warn("no DnsResolver bean is available: MX routing defers every recipient (4.4.3) until one is wired;"
                    + " provisioned routes with IP next hops still work");
        }
        resolver = new RouteResolver(tables.routes(), dns, config.nextHopPort(), config.dns().deadline(),
                config.dns().ipv6());
        DeliveryConfig.Scheduler s = config.scheduler();
        scheduler = new DestinationScheduler(s.destinationConcurrency(), s.destinationQueueLimit(),
                s.deadAfterFailures(), s.suspendInitial(), s.suspendMax(), s.queueWait(), timers, System::nanoTime);
        gate = new AdmissionGate(s.maxInFlightMessages());
        schedule = new RetrySchedule(config.retry().delays(), config.retry().lifetime());
        hostname = config.hostname().orElseGet(org.securemail.delivery.smtp.VertxSmtpTransport::defaultHeloName);
        dsn = new DsnBuilder(hostname);
        for (Outcome outcome : Outcome.values()) {
            recipientCounters.put(outcome, Counter.builder("delivery.recipients")
                    .description("recipient delivery attempts by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        bounceMessages = Counter.builder("delivery.bounces.sent").description("DSN bounce messages queued")
                .register(registry);
        temporaryRouting = Counter.builder("delivery.routing.temporary.failures")
                .description("destination groups deferred because the route could not be resolved now")
                .register(registry);
        invalidRecords = Counter.builder("delivery.records.invalid")
                .description("records sent to the dead-letter topic because they cannot be read").register(registry);
        parkedRecipients = Counter.builder("delivery.recipients.parked")
                .description("recipients parked on delivery.park because their destination's queue was full")
                .register(registry);
        timers.scheduleAtFixedRate(() -> {
            int removed = state.evictUpdatedBefore(state.horizon(Instant.now()));
            if (removed > 0) {
                LOG.debugf("forgot the final state of %d message(s) past their lifetime", removed);
            }
        }, 1, 1, java.util.concurrent.TimeUnit.HOURS);
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
        Uni<Void> due = Uni.createFrom().voidItem();
        if (item.dueAt() != null) {
            Duration wait = Duration.between(Instant.now(), item.dueAt());
            if (wait.toMillis() >= 1) {
                due = Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(wait.toMillis()));
            }
        }
        return due.chain(() -> Uni.createFrom().completionStage(tables.ready()))
                .chain(gate::acquire)
                .invoke(() -> start(item, message));
    }

    private void start(WorkItem item, Message<byte[]> message) {
        Uni<Void> work;
        try {
            work = process(item);
        } catch (RuntimeException e) {
            gate.release();
            LOG.errorf(e, "delivery of %s could not start; the record is dead-lettered", item.queueId());
            message.nack(e);
            return;
        }
        work.subscribe().with(
                        done -> {
                            gate.release();
                            message.ack();
                        },
                        failure -> {
                            gate.release();
                            if (abandoned) {
                                // the connector is closing (its producers too): not a reason to give up on the mail
                                LOG.debugf("delivery of %s interrupted by the shutdown (%s); its record is left"
                                        + " for redelivery", item.queueId(), failure.getMessage());
                                return;
                            }
                            LOG.errorf(failure, "delivery of %s failed; the record is dead-lettered", item.queueId());
                            message.nack(failure);
                        });
    }

    /** A delivery not started because the shutdown drain is over; its record is left for redelivery. */
    static final class ShuttingDown extends RuntimeException {
        ShuttingDown() {
            super("the service is shutting down", null, false, false);
        }
    }

    /** Where a temporary failure waits. */
    private enum Requeue {
        /** The retry schedule (tier of the attempt). */
        SCHEDULE,
        /** Refused locally for lack of a destination slot: {@code delivery.park}, not an attempt. */
        PARK,
        /** The route could not be resolved now (DNS): {@code delivery.park}, so it goes soon after DNS recovers. */
        ROUTE
    }

    private record RecipientOutcome(String recipient, AttemptResult result, Requeue requeue) {
        RecipientOutcome(String recipient, AttemptResult result) {
            this(recipient, result, Requeue.SCHEDULE);
        }
    }

    Uni<Void> process(WorkItem item) {
        List<String> pending = item.envelope().recipients().stream().distinct()
                .filter(r -> !state.isFinal(item.queueId(), r)).toList();
        if (pending.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : pending) {
            byDomain.computeIfAbsent(domainOf(recipient), d -> new ArrayList<>()).add(recipient);
        }
        MessageContent content = MessageContent.of(item.raw());
        List<Uni<List<RecipientOutcome>>> groups = new ArrayList<>();
        byDomain.forEach((domain, recipients) -> groups.add(deliverGroup(item, domain, recipients, content)));
        return Uni.join().all(groups).andFailFast().flatMap(lists -> {
            List<RecipientOutcome> all = new ArrayList<>();
            lists.forEach(all::addAll);
            return finish(item, all);
        });
    }

    private Uni<List<RecipientOutcome>> deliverGroup(WorkItem item, String domain, List<String> recipients,
            MessageContent content) {
        return resolver.resolve(domain)
                .onFailure().recoverWithItem(e -> new Route.Temporary("451 4.3.0 routing failed: " + e.getMessage()))
                .flatMap(route -> {
                    if (route instanceof Route.Permanent p) {
                        return Uni.createFrom().item(all(recipients, AttemptResult.permanent(p.reply(), null)));
                    }
                    if (route instanceof Route.Temporary t) {
                        temporaryRouting.increment();
                        AttemptResult result = AttemptResult.temporary(t.reply(), null);
                        return Uni.createFrom().item(recipients.stream()
                                .map(r -> new RecipientOutcome(r, result, Requeue.ROUTE)).toList());
                    }
                    return send(item, domain, (Route.Hosts) route, recipients, content);
                })
                .onFailure(e -> !(e instanceof ShuttingDown)).recoverWithItem(e -> {
                    LOG.errorf(e, "unexpected failure delivering %s to %s", item.queueId(), domain);
                    return all(recipients, AttemptResult.temporary("451 4.3.0 local error: " + e.getClass().getSimpleName(),
                            null));
                });
    }

    private Uni<List<RecipientOutcome>> send(WorkItem item, String domain, Route.Hosts route, List<String> recipients,
            MessageContent content) {
        return scheduler.acquire(domain).flatMap(slot -> {
            if (slot instanceof DestinationScheduler.Refused refused) {
                AttemptResult result = AttemptResult.temporary(refused.reason(), null);
                return Uni.createFrom().item(recipients.stream()
                        .map(r -> new RecipientOutcome(r, result, refused.suspended() ? Requeue.SCHEDULE
                                : Requeue.PARK)).toList());
            }
            DestinationScheduler.Granted granted = (DestinationScheduler.Granted) slot;
            if (abandoned) {
                // the shutdown drain is over: open no new session for a record that will not be acknowledged. The
                // slot is kept (the process is exiting): giving it back would hand it to the next waiter at once,
                // one nested call per waiting group.
                return Uni.createFrom().failure(new ShuttingDown());
            }
            long start = System.nanoTime();
            return transport.deliver(route.hops(), new Transaction(item.envelope().sender(), recipients, content))
                    // record delivered recipients before the slot is given back: a delivery is "in flight" (may
                    // be repeated after a crash) only while it holds one of the destination's session slots
                    .call(result -> recordDelivered(item, result))
                    .onItemOrFailure().invoke((result, failure) -> {
                        registry.timer("delivery.session", "connected",
                                Boolean.toString(result != null && result.connected()))
                                .record(Duration.ofNanos(System.nanoTime() - start));
                        scheduler.release(granted, health(result), firstReply(result));
                    })
                    .map(result -> {
                        List<RecipientOutcome> outcomes = new ArrayList<>();
                        for (String recipient : recipients) {
                            AttemptResult r = result.results().get(recipient);
                            outcomes.add(new RecipientOutcome(recipient, r != null ? r
                                    : AttemptResult.temporary("451 4.3.0 no result for recipient", null)));
                        }
                        return outcomes;
                    });
        });
    }

    /**
     * The DELIVERED events of a session's accepted recipients, then (once those are acknowledged) their final
     * state. In this order a crash can repeat a delivery and its event, but never lose the event of a recipient
     * that a restart will skip.
     */
    private Uni<Void> recordDelivered(WorkItem item, SessionResult result) {
        Instant now = Instant.now();
        List<String> delivered = new ArrayList<>();
        List<Uni<Void>> events = new ArrayList<>();
        result.results().forEach((recipient, r) -> {
            if (r.kind() == AttemptResult.Kind.SUCCESS) {
                delivered.add(recipient);
                events.add(outbox.event(item.queueId(), json(new DeliveryEvent(item.queueId(), recipient,
                        item.attempt(), Outcome.DELIVERED, r.remoteHost(), r.reply(), null, now))));
            }
        });
        if (delivered.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(events).andFailFast().chain(() -> state.markFinal(item.queueId(), delivered));
    }

    private static DestinationScheduler.Health health(SessionResult result) {
        if (result == null) {
            return DestinationScheduler.Health.UNKNOWN;
        }
        return result.connected() ? DestinationScheduler.Health.CONNECTED : DestinationScheduler.Health.CONNECT_FAILED;
    }

    private static String firstReply(SessionResult result) {
        if (result == null || result.results().isEmpty()) {
            return null;
        }
        return result.results().values().iterator().next().reply();
    }

    private Uni<Void> finish(WorkItem item, List<RecipientOutcome> outcomes) {
        Instant now = Instant.now();
        boolean expired = schedule.expired(item.receivedAt(), now);
        List<Uni<Void>> writes = new ArrayList<>();
        List<String> deferred = new ArrayList<>();
        List<String> parked = new ArrayList<>();
        List<String> routePending = new ArrayList<>();
        List<DsnBuilder.Failure> delays = new ArrayList<>();
        Instant routeRetryAt = min(now.plus(config.scheduler().parkDelay()), schedule.expiry(item.receivedAt()));
        List<DsnBuilder.Failure> failures = new ArrayList<>();
        List<String> expiredFinal = new ArrayList<>();
        List<String> bounced = new ArrayList<>();
        Instant nextAt = schedule.nextAttempt(item.attempt(), item.receivedAt(), now);
        String lastDeferral = null;
        for (RecipientOutcome o : outcomes) {
            AttemptResult r = o.result();
            if (o.requeue() == Requeue.PARK && !expired) {
                parked.add(o.recipient());
                continue;
            }
            Outcome outcome;
            String reply = r.reply();
            Instant next = null;
            switch (r.kind()) {
                case SUCCESS -> outcome = Outcome.DELIVERED;
                case PERMANENT_FAILURE -> {
                    outcome = Outcome.BOUNCED;
                    failures.add(new DsnBuilder.Failure(o.recipient(), r.status(), reply, r.remoteHost()));
                }
                default -> {
                    if (expired) {
                        outcome = Outcome.BOUNCED;
                        reply = "message expired after " + schedule.lifetime().toString().substring(2).toLowerCase(Locale.ROOT)
                                + " in the queue; last error: " + reply;
                        failures.add(new DsnBuilder.Failure(o.recipient(), "4.4.7", reply, r.remoteHost()));
                        expiredFinal.add(o.recipient());
                    } else if (o.requeue() == Requeue.ROUTE) {
                        outcome = Outcome.DEFERRED;
                        next = routeRetryAt;
                        routePending.add(o.recipient());
                        delays.add(new DsnBuilder.Failure(o.recipient(), r.status(), reply, r.remoteHost()));
                    } else {
                        outcome = Outcome.DEFERRED;
                        next = nextAt;
                        deferred.add(o.recipient());
                        lastDeferral = reply;
                        delays.add(new DsnBuilder.Failure(o.recipient(), r.status(), reply, r.remoteHost()));
                    }
                }
            }
            recipientCounters.get(outcome).increment();
            if (outcome == Outcome.BOUNCED) {
                bounced.add(o.recipient());
            }
            if (outcome != Outcome.DELIVERED) { // DELIVERED events were written with the state (recordDelivered)
                writes.add(outbox.event(item.queueId(), json(new DeliveryEvent(item.queueId(), o.recipient(),
                        item.attempt(), outcome, r.remoteHost(), reply, next, now))));
            }
        }
        Duration warning = config.retry().delayWarning();
        boolean warnNow = !delays.isEmpty() && !item.delayWarned() && !warning.isZero()
                && !item.envelope().nullSender() && !now.isBefore(item.receivedAt().plus(warning));
        boolean warned = item.delayWarned() || warnNow;
        if (warnNow) {
            writes.add(notify(item, delays, DsnBuilder.Kind.DELAYED, now));
        }
        if (!deferred.isEmpty()) {
            writes.add(requeue(item, deferred, schedule.topicAfter(item.attempt()), item.attempt() + 1, nextAt,
                    lastDeferral, warned));
        }
        if (!routePending.isEmpty()) {
            writes.add(requeue(item, routePending, Topics.DELIVERY_PARK, item.attempt() + 1, routeRetryAt,
                    "route not resolved (temporary DNS failure)", warned));
        }
        if (!parked.isEmpty()) {
            parkedRecipients.increment(parked.size());
            writes.add(requeue(item, parked, Topics.DELIVERY_PARK, item.attempt(),
                    now.plus(config.scheduler().parkDelay()), "parked: destination busy", item.delayWarned()));
        }
        if (!failures.isEmpty()) {
            writes.add(notify(item, failures,
                    expired && !expiredFinal.isEmpty() ? DsnBuilder.Kind.EXPIRED : DsnBuilder.Kind.FAILED, now));
        }
        // bounced recipients become final only after their events and the DSN were acknowledged: a crash before
        // that bounces them again (a second DSN at worst) instead of skipping them without a DSN
        Uni<Void> written = writes.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(writes).andFailFast().replaceWithVoid();
        return written.chain(() -> state.markFinal(item.queueId(), bounced));
    }

    private Uni<Void> requeue(WorkItem item, List<String> deferred, String topic, int nextAttempt, Instant dueAt,
            String reason, boolean delayWarned) {
        MailEnvelope e = item.envelope();
        MailEnvelope pending = new MailEnvelope(e.queueId() == null ? item.queueId() : e.queueId(), e.sender(),
                deferred, e.clientIp(), e.helo(), e.tlsProtocol(), e.authIdentity(), e.tenantId(), e.direction(),
                item.receivedAt(), e.size());
        LOG.debugf("%s: %d recipient(s) deferred to %s until %s: %s", item.queueId(), deferred.size(), topic, dueAt,
                reason);
        return outbox.retry(topic, item.queueId(), item.raw(), Map.of(
                MailHeaders.ENVELOPE, new String(json(pending), java.nio.charset.StandardCharsets.UTF_8),
                RetryState.HEADER, new String(json(new RetryState(nextAttempt, dueAt, reason, delayWarned)),
                        java.nio.charset.StandardCharsets.UTF_8)));
    }

    private Uni<Void> notify(WorkItem item, List<DsnBuilder.Failure> failures, DsnBuilder.Kind kind, Instant now) {
        MailEnvelope original = item.envelope();
        if (original.nullSender()) {
            LOG.infof("%s: %d recipient(s) failed; no DSN for the null sender", item.queueId(), failures.size());
            return Uni.createFrom().voidItem();
        }
        byte[] report = dsn.build(original, item.raw(), failures, kind, now, schedule.expiry(item.receivedAt()));
        String queueId = "B" + UUID.randomUUID().toString().replace("-", "").substring(0, 15).toUpperCase(Locale.ROOT);
        Direction direction = original.direction() == Direction.OUTBOUND ? Direction.INBOUND : Direction.OUTBOUND;
        MailEnvelope envelope = new MailEnvelope(queueId, "", List.of(original.sender()), "127.0.0.1", hostname, null,
                null, original.tenantId(), direction, now, report.length);
        bounceMessages.increment();
        LOG.infof("%s: %s DSN %s to <%s> for %d recipient(s)", item.queueId(), kind, queueId, original.sender(),
                failures.size());
        return outbox.bounce(queueId, report,
                Map.of(MailHeaders.ENVELOPE, new String(json(envelope), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static List<RecipientOutcome> all(List<String> recipients, AttemptResult result) {
        return recipients.stream().map(r -> new RecipientOutcome(r, result)).toList();
    }

    static String domainOf(String recipient) {
        int at = recipient.lastIndexOf('@');
        return at < 0 ? "" : recipient.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
