package org.securemail.delivery.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.bounce.DsnBuilder;
import org.securemail.delivery.config.DeliveryConfig;
import org.securemail.delivery.messaging.KafkaOutbox;
import org.securemail.delivery.pipeline.RecipientOutcome.Requeue;
import org.securemail.delivery.retry.RetrySchedule;
import org.securemail.delivery.retry.RetryState;
import org.securemail.delivery.smtp.AttemptResult;
import org.securemail.delivery.smtp.SessionResult;
import org.securemail.delivery.state.RecipientStateStore;

/**
 * What the per-recipient outcomes of an attempt become: a {@link DeliveryEvent} each, the final state of delivered
 * and bounced recipients (for idempotence), deferred ones requeued on a retry tier or {@code delivery.park}, and an
 * RFC 3464 DSN to the sender for bounces, expiries and the delay notice. Every returned {@link Uni} completes when
 * all its writes were acknowledged; a recipient becomes final only after its event (and DSN) was (ADR 0037).
 */
final class OutcomeWriter {

    private static final MessageLog LOG = MessageLog.of(OutcomeWriter.class);

    private final DeliveryConfig config;
    private final RetrySchedule schedule;
    private final String hostname;
    private final DsnBuilder dsn;
    private final KafkaOutbox outbox;
    private final RecipientStateStore state;
    private final ObjectMapper mapper;
    private final Map<Outcome, Counter> recipientCounters = new LinkedHashMap<>();
    private final Counter bounceMessages;
    private final Counter dsnsWithheld;
    private final Counter parkedRecipients;

    OutcomeWriter(DeliveryConfig config, String hostname, KafkaOutbox outbox, RecipientStateStore state,
            ObjectMapper mapper, MeterRegistry registry) {
        this.config = config;
        this.schedule = new RetrySchedule(config.retry().delays(), config.retry().lifetime());
        this.hostname = hostname;
        this.dsn = new DsnBuilder(hostname);
        this.outbox = outbox;
        this.state = state;
        this.mapper = mapper;
        for (Outcome outcome : Outcome.values()) {
            recipientCounters.put(outcome, Counter.builder("delivery.recipients")
                    .description("recipient delivery attempts by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        bounceMessages = Counter.builder("delivery.bounces.sent").description("DSN bounce messages queued")
                .register(registry);
        dsnsWithheld = Counter.builder("delivery.bounces.withheld")
                .description("DSNs not sent because the message was inbound mail from an unauthenticated sender")
                .register(registry);
        parkedRecipients = Counter.builder("delivery.recipients.parked")
                .description("recipients parked on delivery.park because their destination's queue was full")
                .register(registry);
    }

    /**
     * The DELIVERED events of a session's accepted recipients, then (once those are acknowledged) their final
     * state. In this order a crash can repeat a delivery and its event, but never lose the event of a recipient
     * that a restart will skip.
     */
    Uni<Void> delivered(WorkItem item, SessionResult result) {
        Instant now = Instant.now();
        List<String> delivered = new ArrayList<>();
        List<Uni<Void>> events = new ArrayList<>();
        List<AttemptLog.Line> lines = new ArrayList<>();
        result.results().forEach((recipient, r) -> {
            if (r.kind() == AttemptResult.Kind.SUCCESS) {
                delivered.add(recipient);
                events.add(outbox.event(item.queueId(), json(new DeliveryEvent(item.queueId(), recipient,
                        item.attempt(), Outcome.DELIVERED, r.remoteHost(), r.reply(), null, now))));
                lines.add(new AttemptLog.Line(recipient, Outcome.DELIVERED, r.remoteHost(), r.status(), r.reply(),
                        null));
            }
        });
        if (delivered.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        AttemptLog.log(item, lines, now);
        return Uni.join().all(events).andFailFast().chain(() -> state.markFinal(item.queueId(), delivered));
    }

    /** Everything but the DELIVERED events (written by {@link #delivered}) for the outcomes of one attempt. */
    Uni<Void> finish(WorkItem item, List<RecipientOutcome> outcomes) {
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
        List<AttemptLog.Line> lines = new ArrayList<>();
        for (RecipientOutcome o : outcomes) {
            AttemptResult r = o.result();
            if (o.requeue() == Requeue.PARK && !expired) {
                parked.add(o.recipient());
                continue;
            }
            Outcome outcome;
            String reply = r.reply();
            String status = r.status();
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
                        status = "4.4.7";
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
            if (outcome != Outcome.DELIVERED) { // DELIVERED events (and lines) were written with the state (delivered)
                writes.add(outbox.event(item.queueId(), json(new DeliveryEvent(item.queueId(), o.recipient(),
                        item.attempt(), outcome, r.remoteHost(), reply, next, now))));
                lines.add(new AttemptLog.Line(o.recipient(), outcome, r.remoteHost(), status, reply, next));
            }
        }
        AttemptLog.log(item, lines, now);
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
        // with follow-up records written, the record itself is handled: read again (a rebalance or a crash before its
        // offset was committed) it is skipped instead of starting a second retry chain (ADR 0089)
        boolean handedOn = !deferred.isEmpty() || !routePending.isEmpty() || !parked.isEmpty();
        return written.chain(() -> state.settle(item.queueId(), bounced, handedOn ? item.source() : null));
    }

    /**
     * A held message (ADR 0084): its pending recipients wait on the last retry tier, for its delay, without an attempt
     * or an event; each time it comes up while the hold lasts it goes back there, and a release wakes it at once.
     */
    Uni<Void> held(WorkItem item, List<String> pending) {
        Instant due = Instant.now().plus(schedule.delayAfter(Integer.MAX_VALUE));
        return requeue(item, pending, schedule.topicAfter(Integer.MAX_VALUE), item.attempt(), due,
                "held by an operator", item.delayWarned()).chain(() -> handedOn(item));
    }

    /**
     * A record written again, unchanged, at the end of its topic (ADR 0084): it is not due, and records behind it were
     * released by an operator's command.
     */
    Uni<Void> requeueUnchanged(String topic, WorkItem item, Map<String, String> headers) {
        LOG.debug(item.queueId(), "%s: not due; written again at the end of %s so that released records behind it go"
                + " now", item.queueId(), topic);
        return outbox.retry(topic, item.queueId(), item.raw(), headers).chain(() -> handedOn(item));
    }

    /** The record's follow-up was written: a second reading of it is skipped (ADR 0089). */
    private Uni<Void> handedOn(WorkItem item) {
        return item.source() == null ? Uni.createFrom().voidItem()
                : state.settle(item.queueId(), List.of(), item.source());
    }

    private Uni<Void> requeue(WorkItem item, List<String> deferred, String topic, int nextAttempt, Instant dueAt,
            String reason, boolean delayWarned) {
        MailEnvelope e = item.envelope();
        MailEnvelope pending = new MailEnvelope(e.queueId() == null ? item.queueId() : e.queueId(), e.sender(),
                deferred, e.clientIp(), e.helo(), e.tlsProtocol(), e.authIdentity(), e.tenantId(), e.direction(),
                item.receivedAt(), e.size());
        LOG.debug(item.queueId(), "%s: %d recipient(s) deferred to %s until %s: %s", item.queueId(), deferred.size(),
                topic, dueAt, reason);
        return outbox.retry(topic, item.queueId(), item.raw(), Map.of(
                MailHeaders.ENVELOPE, new String(json(pending), StandardCharsets.UTF_8),
                RetryState.HEADER, new String(json(new RetryState(nextAttempt, dueAt, reason, delayWarned)),
                        StandardCharsets.UTF_8)));
    }

    private Uni<Void> notify(WorkItem item, List<DsnBuilder.Failure> failures, DsnBuilder.Kind kind, Instant now) {
        MailEnvelope original = item.envelope();
        if (original.nullSender()) {
            LOG.info(item.queueId(), "%s: %d recipient(s) failed; no DSN for the null sender", item.queueId(),
                    failures.size());
            return Uni.createFrom().voidItem();
        }
        if (original.direction() != Direction.OUTBOUND) {
            // backscatter (issue 12): the sender of relayed inbound mail is not authenticated and often forged; the
            // failure is in the delivery events (and the tenant's tracking), never in a DSN to a stranger
            dsnsWithheld.increment();
            LOG.info(item.queueId(), "%s: %d recipient(s) failed; no %s DSN for inbound mail from an unauthenticated"
                    + " sender", item.queueId(), failures.size(), kind);
            return Uni.createFrom().voidItem();
        }
        byte[] report = dsn.build(original, item.raw(), failures, kind, now, schedule.expiry(item.receivedAt()));
        String queueId = "B" + UUID.randomUUID().toString().replace("-", "").substring(0, 15).toUpperCase(Locale.ROOT);
        Direction direction = original.direction() == Direction.OUTBOUND ? Direction.INBOUND : Direction.OUTBOUND;
        MailEnvelope envelope = new MailEnvelope(queueId, "", List.of(original.sender()), "127.0.0.1", hostname, null,
                null, original.tenantId(), direction, now, report.length);
        bounceMessages.increment();
        LOG.info(item.queueId(), "%s: %s DSN %s to <%s> for %d recipient(s)", item.queueId(), kind, queueId,
                original.sender(), failures.size());
        return outbox.bounce(queueId, report,
                Map.of(MailHeaders.ENVELOPE, new String(json(envelope), StandardCharsets.UTF_8)));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
