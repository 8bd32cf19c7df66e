package org.securemail.provisioning.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;

/**
 * The webhook channels: {@code webhooks.deliveries} and its retry tiers. Each method returns once the delivery is
 * admitted (due, and a send slot free); the record is acknowledged when the delivery is settled, in any order.
 */
@ApplicationScoped
public class WebhookConsumer {

    public static final String IN_CHANNEL = "webhooks-in";

    @Inject
    WebhookDispatcher dispatcher;

    @Incoming(IN_CHANNEL)
    public Uni<Void> delivery(Message<String> message) {
        return dispatcher.admit(message);
    }

    @Incoming("webhooks-retry-1")
    public Uni<Void> retry1(Message<String> message) {
        return dispatcher.admit(message);
    }

    @Incoming("webhooks-retry-2")
    public Uni<Void> retry2(Message<String> message) {
        return dispatcher.admit(message);
    }

    @Incoming("webhooks-retry-3")
    public Uni<Void> retry3(Message<String> message) {
        return dispatcher.admit(message);
    }

    @Incoming("webhooks-retry-4")
    public Uni<Void> retry4(Message<String> message) {
        return dispatcher.admit(message);
    }

    @Incoming("webhooks-retry-5")
    public Uni<Void> retry5(Message<String> message) {
        return dispatcher.admit(message);
    }
}
