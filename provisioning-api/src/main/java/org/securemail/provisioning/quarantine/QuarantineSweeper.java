package org.securemail.provisioning.quarantine;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;
import org.securemail.provisioning.config.ProvisioningConfig;

/**
 * Finishes releases nobody finished (ADR 0073): a row still RELEASING {@code release-retry-after} after its claim (the
 * API died during the write, or the write's outcome was unknown) is written to {@code mail.ready} again. At least
 * once: a message whose first write did land is delivered twice, never lost. Each round re-drives at most
 * {@code sweep-batch-size} rows, one after the other, each claimed just before its write (so a claim is never older
 * than one attempt), and replicas share the rows through that claim ({@link QuarantineService#redriveNext}).
 */
@Startup
@ApplicationScoped
public class QuarantineSweeper {

    private static final Logger LOG = Logger.getLogger(QuarantineSweeper.class);

    @Inject
    QuarantineService quarantine;

    @Inject
    ProvisioningConfig config;

    @Inject
    MeterRegistry registry;

    private final AtomicLong stuck = new AtomicLong();

    @PostConstruct
    void init() {
        Duration retryAfter = config.quarantine().releaseRetryAfter();
        if (retryAfter.compareTo(QuarantinedRecords.LONGEST_ATTEMPT) < 0) {
            throw new IllegalStateException("provisioning.quarantine.release-retry-after (" + retryAfter
                    + ") must be at least " + QuarantinedRecords.LONGEST_ATTEMPT
                    + ", the longest one release attempt takes: a shorter one would write a message again while its"
                    + " first write is still running");
        }
        Gauge.builder("provisioning.quarantine.releasing.stuck", stuck, AtomicLong::get)
                .description("RELEASING rows past release-retry-after after the last sweep: releases not finished")
                .register(registry);
    }

    @Scheduled(identity = "quarantine-sweeper", every = "${provisioning.quarantine.sweep-interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep().replaceWithVoid().onFailure().recoverWithItem(failure -> {
            LOG.warnf("quarantine sweep failed, the next one retries: %s", failure.toString());
            return null;
        });
    }

    /** One round: re-drives up to a batch of due rows; the number re-driven. */
    public Uni<Integer> sweep() {
        Duration retryAfter = config.quarantine().releaseRetryAfter();
        return next(retryAfter, config.quarantine().sweepBatchSize(), 0)
                .call(done -> quarantine.countDue(retryAfter).invoke(stuck::set));
    }

    private Uni<Integer> next(Duration retryAfter, int left, int done) {
        if (left == 0) {
            return Uni.createFrom().item(done);
        }
        return quarantine.redriveNext(retryAfter).chain(outcome -> {
            if (outcome.isEmpty()) {
                return Uni.createFrom().item(done);
            }
            registry.counter("provisioning.quarantine.redriven", "outcome",
                    outcome.get().name().toLowerCase(Locale.ROOT).replace('_', '-')).increment();
            return next(retryAfter, left - 1, done + 1);
        });
    }
}
