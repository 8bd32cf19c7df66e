package org.securemail.provisioning.tracking;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.securemail.common.mail.MailHeaders;

import io.smallrye.mutiny.Uni;

/**
 * Feeds the tracking tables from {@code mail.accepted} (envelope header only) and {@code delivery.events}. A record
 * that cannot be read fails and goes to the channel's dead-letter topic.
 */
@ApplicationScoped
public class TrackingConsumer {

    public static final String ACCEPTED_CHANNEL = "tracking-accepted";
    public static final String DELIVERY_CHANNEL = "tracking-delivery";

    @Inject
    TrackingService tracking;

    @Incoming(ACCEPTED_CHANNEL)
    public Uni<Void> accepted(ConsumerRecord<String, byte[]> record) {
        Header envelope = record.headers().lastHeader(MailHeaders.ENVELOPE);
        String json = envelope == null ? null : new String(envelope.value(), StandardCharsets.UTF_8);
        return tracking.accepted(record.key(), json);
    }

    @Incoming(DELIVERY_CHANNEL)
    public Uni<Void> delivery(ConsumerRecord<String, String> record) {
        return tracking.delivery(record.value());
    }
}
