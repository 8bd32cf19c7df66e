package org.securemail.ingest.stage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The stage's Kafka entry points. Each returns as soon as the record is admitted; the inspection goes on and
 * acknowledges the record when its output is written, in any order (throttled commit strategy).
 */
@ApplicationScoped
public class StageConsumer {

    @Inject
    InspectionStage stage;

    @Incoming(StageChannels.IN)
    public Uni<Void> onAccepted(Message<byte[]> message) {
        return stage.admit(message);
    }

    @Incoming(StageChannels.PARK)
    public Uni<Void> onParked(Message<byte[]> message) {
        return stage.admit(message);
    }
}
