package org.securemail.provisioning.idempotency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/** Deletes {@code Idempotency-Key}s past their retention, a bounded batch per round; any replica may run it. */
@ApplicationScoped
public class IdempotencySweeper {

    private static final Logger LOG = Logger.getLogger(IdempotencySweeper.class);

    @Inject
    IdempotencyStore store;

    @Inject
    MeterRegistry registry;

    @Scheduled(identity = "idempotency-sweeper", every = "${provisioning.idempotency.sweep-interval:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return store.sweep()
                .invoke(n -> registry.counter("provisioning.idempotency.expired").increment(n))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("expired Idempotency-Keys not deleted this round (next round retries): %s", failure.toString());
                    return null;
                });
    }
}
