package org.securemail.delivery.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.securemail.delivery.pipeline.DeliveryTables;

/**
 * The mail consumers' hand-over (ADR 0089): a replica that gets partitions reads {@code delivery.state} up to its end
 * before it reads their records, so that it knows every record its predecessor handed on (retry or park record
 * written) and every recipient it delivered, up to the rebalance. The records its predecessor had not finished are
 * read again and handled again: those are the duplicates a rebalance may cause.
 */
@ApplicationScoped
@Identifier(StateCatchUp.NAME)
public class StateCatchUp implements KafkaConsumerRebalanceListener {

    public static final String NAME = "delivery-state-catch-up";

    /** Bounds the wait in the consumer's poll thread: beyond it the records are read with the table as it is. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(StateCatchUp.class);

    @Inject
    DeliveryTables tables;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty() || !tables.loaded()) {
            return; // nothing to read yet, or the first load (which admission waits for) is still going on
        }
        long started = System.nanoTime();
        try {
            tables.stateCaughtUp().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debugf("%s assigned; delivery.state read to its end in %d ms", partitions,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (TimeoutException e) {
            LOG.warnf("%s assigned; delivery.state not read to its end within %s: records handed on just before the"
                    + " rebalance may be handled again", partitions, LIMIT);
        } catch (ExecutionException e) {
            LOG.warnf("%s assigned; delivery.state could not be read to its end: %s", partitions, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
