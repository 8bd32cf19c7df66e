package org.securemail.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.net.NetworkPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.delivery.config.DeliveryConfig;
import org.securemail.delivery.routing.DomainRoutes;
import org.securemail.delivery.routing.RouteResolver;
import org.securemail.common.flow.AdmissionGate;
import org.securemail.delivery.scheduler.DestinationScheduler;
import org.securemail.delivery.smtp.AttemptResult;
import org.securemail.delivery.smtp.SessionResult;
import org.securemail.delivery.state.RecipientStateStore;

/**
 * A session still running when the shutdown drain ends: a temporary failure it reports then (a session cut by the
 * process going away) must leave the record for redelivery, not defer the mail to the first retry delay.
 * The transport is a hand-completed future standing in for a real session (a fake).
 */
class DestinationDeliveryShutdownTest {

    private static final String DOMAIN = "customer.test";
    private static final String RCPT = "r@" + DOMAIN;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final CompletableFuture<SessionResult> session = new CompletableFuture<>();
    private final ShutdownDrain drain = new ShutdownDrain(new AdmissionGate(10));
    private final DestinationDelivery delivery = delivery();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aTemporaryFailureBeforeTheDrainEndsIsAnOutcome() {
        UniAssertSubscriber<List<RecipientOutcome>> result = start();

        session.complete(lost());

        List<RecipientOutcome> outcomes = result.awaitItem(Duration.ofSeconds(5)).getItem();
        assertThat(outcomes).extracting(o -> o.result().kind()).containsExactly(AttemptResult.Kind.TEMPORARY_FAILURE);
    }

    @Test
    void aTemporaryFailureAfterTheDrainEndedLeavesTheRecordForRedelivery() {
        UniAssertSubscriber<List<RecipientOutcome>> result = start();
        drain.drain(Duration.ZERO);

        session.complete(lost());

        result.awaitFailure(Duration.ofSeconds(5)).assertFailedWith(ShutdownDrain.ShuttingDown.class);
    }

    @Test
    void aDeliveryFinishedAfterTheDrainEndedIsStillAnOutcome() {
        UniAssertSubscriber<List<RecipientOutcome>> result = start();
        drain.drain(Duration.ZERO);

        // no SUCCESS here: a delivered recipient would be recorded through Kafka first, which is not wired in
        session.complete(SessionResult.all(List.of(RCPT), AttemptResult.permanent("550 5.1.1 no such user", "mx"),
                true, List.of("mx")));

        List<RecipientOutcome> outcomes = result.awaitItem(Duration.ofSeconds(5)).getItem();
        assertThat(outcomes).extracting(o -> o.result().kind()).containsExactly(AttemptResult.Kind.PERMANENT_FAILURE);
    }

    private UniAssertSubscriber<List<RecipientOutcome>> start() {
        MailEnvelope envelope = new MailEnvelope("Q1", "s@origin.test", List.of(RCPT), "192.0.2.1", "client.test",
                null, null, "t1", Direction.INBOUND, Instant.now(), 10);
        WorkItem item = new WorkItem("Q1", envelope, "Subject: x\r\n\r\nbody\r\n".getBytes(), 1, null, Instant.now(),
                false);
        return delivery.deliver(item, DOMAIN, List.of(RCPT), null)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    private static SessionResult lost() {
        return SessionResult.all(List.of(RCPT), AttemptResult.temporary("421 4.4.2 lost connection with mx", "mx"),
                true, List.of("mx"));
    }

    private DestinationDelivery delivery() {
        DomainRoutes routes = new DomainRoutes();
        routes.apply(DOMAIN, new DomainRecord(DOMAIN, "t1", true, List.of(new NextHop("10.0.0.1", 25, 10,
                TlsPolicy.NONE)), false, 0, false, null, 1));
        RouteResolver resolver = new RouteResolver(routes, null, 25, Duration.ofSeconds(1), false,
                NetworkPolicy.of(List.of("10.0.0.0/8"), "25"));
        DestinationScheduler scheduler = new DestinationScheduler(4, 100, 5, Duration.ofSeconds(60),
                Duration.ofMinutes(10), Duration.ofSeconds(15), timers, System::nanoTime);
        DeliveryConfig config = new SmallRyeConfigBuilder().withMapping(DeliveryConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(Map.of()).build().getConfigMapping(DeliveryConfig.class);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutcomeWriter outcomes = new OutcomeWriter(config, "delivery.test", null, new RecipientStateStore(),
                new ObjectMapper(), registry);
        return new DestinationDelivery(resolver, scheduler, (hops, tx) -> Uni.createFrom().completionStage(session),
                outcomes, drain, registry);
    }
}
