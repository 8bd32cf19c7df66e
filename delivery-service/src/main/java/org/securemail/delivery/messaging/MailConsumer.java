package org.securemail.delivery.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.securemail.delivery.pipeline.DeliveryService;

/**
 * The Kafka entry points. Each method returns as soon as the message is admitted (a permit of the in-flight
 * limit); the delivery goes on asynchronously and acknowledges the record when it is finished, in any order
 * (throttled commit strategy). A slow destination therefore never stops consumption for the others.
 */
@ApplicationScoped
public class MailConsumer {

    @Inject
    DeliveryService delivery;

    @Incoming(Channels.MAIL_IN)
    public Uni<Void> onMail(Message<byte[]> message) {
        return delivery.admit(message, false);
    }

    @Incoming(Channels.RETRY_1)
    public Uni<Void> onRetry1(Message<byte[]> message) {
        return delivery.admit(message, true);
    }

    @Incoming(Channels.RETRY_2)
    public Uni<Void> onRetry2(Message<byte[]> message) {
        return delivery.admit(message, true);
    }

    @Incoming(Channels.RETRY_3)
    public Uni<Void> onRetry3(Message<byte[]> message) {
        return delivery.admit(message, true);
    }

    @Incoming(Channels.RETRY_4)
    public Uni<Void> onRetry4(Message<byte[]> message) {
        return delivery.admit(message, true);
    }

    @Incoming(Channels.PARK)
    public Uni<Void> onParked(Message<byte[]> message) {
        return delivery.admit(message, true);
    }

    @Incoming(Channels.RETRY_5)
    public Uni<Void> onRetry5(Message<byte[]> message) {
        return delivery.admit(message, true);
    }
}
