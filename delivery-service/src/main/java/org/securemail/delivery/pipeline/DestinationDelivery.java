package org.securemail.delivery.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.smallrye.mutiny.Uni;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.observe.MessageTracing;
import org.securemail.delivery.pipeline.RecipientOutcome.Requeue;
import org.securemail.delivery.routing.Route;
import org.securemail.delivery.routing.RouteResolver;
import org.securemail.delivery.scheduler.DestinationScheduler;
import org.securemail.delivery.smtp.AttemptResult;
import org.securemail.delivery.smtp.MessageContent;
import org.securemail.delivery.smtp.SessionResult;
import org.securemail.delivery.smtp.SmtpTransport;
import org.securemail.delivery.smtp.Transaction;

/**
 * One attempt for the recipients of a message at one destination domain: the route (provisioned or MX), a session
 * slot from the {@link DestinationScheduler}, and one transaction through the {@link SmtpTransport}. Never fails
 * except for {@link ShutdownDrain.ShuttingDown}: every problem becomes a per-recipient {@link RecipientOutcome},
 * except that once the shutdown drain is over a temporary failure leaves the record for redelivery instead.
 */
final class DestinationDelivery {

    private static final MessageLog LOG = MessageLog.of(DestinationDelivery.class);

    private final MeterRegistry registry;
    private final Counter temporaryRouting;
    private final RouteResolver resolver;
    private final DestinationScheduler scheduler;
    private final SmtpTransport transport;
    private final OutcomeWriter outcomes;
    private final ShutdownDrain shutdown;
    /** Time to a route (provisioned or MX, with the DNS lookups), and the wait for a destination session slot. */
    private final Timer routeTimer;
    private final Timer slotTimer;
    /** The SMTP part of a session (connection, transaction), without the outcome writes that follow it. */
    private final Timer transactionTimer;
    private final MessageTracing tracing;

    DestinationDelivery(RouteResolver resolver, DestinationScheduler scheduler, SmtpTransport transport,
            OutcomeWriter outcomes, ShutdownDrain shutdown, MeterRegistry registry) {
        this(resolver, scheduler, transport, outcomes, shutdown, registry, MessageTracing.off());
    }

    DestinationDelivery(RouteResolver resolver, DestinationScheduler scheduler, SmtpTransport transport,
            OutcomeWriter outcomes, ShutdownDrain shutdown, MeterRegistry registry, MessageTracing tracing) {
        this.tracing = tracing;
        this.registry = registry;
        this.temporaryRouting = Counter.builder("delivery.routing.temporary.failures")
                .description("destination groups deferred because the route could not be resolved now")
                .register(registry);
        this.routeTimer = Timer.builder("delivery.route")
                .description("time to the route of a destination group (DNS lookups included)").register(registry);
        this.slotTimer = Timer.builder("delivery.slot.wait")
                .description("wait for a session slot of the destination").register(registry);
        this.transactionTimer = Timer.builder("delivery.transaction")
                .description("the SMTP part of a session, without the outcome writes").register(registry);
        this.resolver = resolver;
        this.scheduler = scheduler;
        this.transport = transport;
        this.outcomes = outcomes;
        this.shutdown = shutdown;
    }

    Uni<List<RecipientOutcome>> deliver(WorkItem item, String domain, List<String> recipients,
            MessageContent content) {
        long routing = System.nanoTime();
        return resolver.resolve(domain)
                .onFailure().recoverWithItem(e -> new Route.Temporary("451 4.3.0 routing failed: " + e.getMessage()))
                .invoke(route -> routeTimer.record(Duration.ofNanos(System.nanoTime() - routing)))
                .flatMap(route -> {
                    if (route instanceof Route.Permanent p) {
                        return Uni.createFrom().item(RecipientOutcome.all(recipients,
                                AttemptResult.permanent(p.reply(), null)));
                    }
                    if (route instanceof Route.Temporary t) {
                        temporaryRouting.increment();
                        return Uni.createFrom().item(RecipientOutcome.all(recipients,
                                AttemptResult.temporary(t.reply(), null), Requeue.ROUTE));
                    }
                    return send(item, domain, (Route.Hosts) route, recipients, content);
                })
                .onFailure(e -> !(e instanceof ShutdownDrain.ShuttingDown) && !shutdown.over()).recoverWithItem(e -> {
                    LOG.error(item.queueId(), e, "unexpected failure delivering %s to %s", item.queueId(), domain);
                    return RecipientOutcome.all(recipients, AttemptResult.temporary(
                            "451 4.3.0 local error: " + e.getClass().getSimpleName(), null));
                })
                .flatMap(outcomes -> shutdown.over() && anyTemporary(outcomes)
                        // the drain is over: a temporary failure now is most likely the shutdown itself (sessions
                        // cut, producers closing). Deferring it would hold the mail back for the first retry delay
                        // (minutes); leaving the record unacknowledged has the next owner try again at once.
                        ? Uni.createFrom().failure(new ShutdownDrain.ShuttingDown())
                        : Uni.createFrom().item(outcomes));
    }

    /**
     * The SMTP session to the destination's next hops; with traces on, a {@code delivery.attempt} span under the
     * delivery's: the next hop that answered, the hops tried, the first reply and the outcome.
     */
    private Uni<SessionResult> attempt(WorkItem item, String domain, Route.Hosts route, Transaction transaction) {
        if (!tracing.enabled()) {
            return transport.deliver(route.hops(), transaction);
        }
        return tracing.withParent(parent -> {
            Span span = tracing.start("delivery.attempt", SpanKind.CLIENT, parent, item.queueId());
            span.setAttribute("securemail.destination", domain);
            span.setAttribute("securemail.attempt", item.attempt());
            span.setAttribute("securemail.recipients", transaction.recipients().size());
            return transport.deliver(route.hops(), transaction).onItemOrFailure().invoke((result, failure) -> {
                if (failure != null) {
                    MessageTracing.fail(span, failure);
                    return;
                }
                AttemptResult first = result.results().isEmpty() ? null : result.results().values().iterator().next();
                span.setAttribute("securemail.next_hop", first == null || first.remoteHost() == null ? "none"
                        : first.remoteHost());
                span.setAttribute(TRIED, result.tried());
                span.setAttribute("securemail.connected", result.connected());
                if (first != null) {
                    span.setAttribute("smtp.reply", AttemptLog.bounded(first.reply()));
                    span.setAttribute("securemail.outcome", first.kind().name());
                }
                long delivered = result.results().values().stream()
                        .filter(r -> r.kind() == AttemptResult.Kind.SUCCESS).count();
                span.setAttribute("securemail.recipients.delivered", delivered);
                if (delivered == 0 && !result.results().isEmpty()) {
                    span.setStatus(StatusCode.ERROR, "no recipient delivered");
                }
                span.end();
            });
        });
    }

    private static final AttributeKey<List<String>> TRIED = AttributeKey.stringArrayKey("securemail.next_hops_tried");

    private static boolean anyTemporary(List<RecipientOutcome> outcomes) {
        return outcomes.stream().anyMatch(o -> o.result().kind() == AttemptResult.Kind.TEMPORARY_FAILURE);
    }

    private Uni<List<RecipientOutcome>> send(WorkItem item, String domain, Route.Hosts route, List<String> recipients,
            MessageContent content) {
        long asked = System.nanoTime();
        return scheduler.acquire(domain).invoke(slot -> slotTimer.record(Duration.ofNanos(System.nanoTime() - asked)))
                .flatMap(slot -> {
            if (slot instanceof DestinationScheduler.Refused refused) {
                return Uni.createFrom().item(RecipientOutcome.all(recipients,
                        AttemptResult.temporary(refused.reason(), null),
                        refused.suspended() ? Requeue.SCHEDULE : Requeue.PARK));
            }
            DestinationScheduler.Granted granted = (DestinationScheduler.Granted) slot;
            if (shutdown.over()) {
                // the shutdown drain is over: open no new session for a record that will not be acknowledged. The
                // slot is kept (the process is exiting): giving it back would hand it to the next waiter at once,
                // one nested call per waiting group.
                return Uni.createFrom().failure(new ShutdownDrain.ShuttingDown());
            }
            long start = System.nanoTime();
            return attempt(item, domain, route, new Transaction(item.envelope().sender(), recipients, content))
                    .invoke(result -> transactionTimer.record(Duration.ofNanos(System.nanoTime() - start)))
                    // record delivered recipients before the slot is given back: a delivery is "in flight" (may
                    // be repeated after a crash) only while it holds one of the destination's session slots
                    .call(result -> outcomes.delivered(item, result))
                    .onItemOrFailure().invoke((result, failure) -> {
                        registry.timer("delivery.session", "connected",
                                Boolean.toString(result != null && result.connected()))
                                .record(Duration.ofNanos(System.nanoTime() - start));
                        scheduler.release(granted, health(result), firstReply(result));
                    })
                    .map(result -> {
                        List<RecipientOutcome> each = new ArrayList<>();
                        for (String recipient : recipients) {
                            AttemptResult r = result.results().get(recipient);
                            each.add(new RecipientOutcome(recipient, r != null ? r
                                    : AttemptResult.temporary("451 4.3.0 no result for recipient", null)));
                        }
                        return each;
                    });
        });
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
}
