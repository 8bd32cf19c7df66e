package org.securemail.dns.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import org.jboss.logging.Logger;

/**
 * Stops polling {@code dns.queries} while the resolutions in flight are at their cap, so the backlog waits in Kafka,
 * not in memory or sockets; resumes as soon as a slot is free.
 */
@ApplicationScoped
public class ConsumptionControl {

    private static final Logger LOG = Logger.getLogger(ConsumptionControl.class);

    @Inject
    ChannelRegistry channels;

    public void atCap(boolean capped) {
        PausableChannel pausable = channels.getPausable(QueryResponder.QUERIES);
        if (pausable == null) {
            return;
        }
        if (capped) {
            LOG.debug("in-flight cap reached: pausing dns.queries");
            pausable.pause();
        } else {
            pausable.resume();
        }
    }
}
