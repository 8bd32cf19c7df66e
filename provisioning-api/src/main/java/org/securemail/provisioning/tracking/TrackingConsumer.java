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
    public static final String INSPECTED_CHANNEL = "tracking-inspected";

    @Inject
    TrackingService tracking;

    @Incoming(ACCEPTED_CHANNEL)
    public Uni<Void> accepted(ConsumerRecord<String, byte[]> record) {
        Header envelope = record.headers().lastHeader(MailHeaders.ENVELOPE);
        String json = envelope == null ? null : new String(envelope.value(), StandardCharsets.UTF_8);
        return tracking.accepted(record.key(), json);
    }

    /** {@code mail.ready} and {@code mail.quarantine}: the inspection stage's summary header, when there is one. */
    @Incoming(INSPECTED_CHANNEL)
    public Uni<Void> inspected(ConsumerRecord<String, byte[]> record) {
        Header summary = record.headers().lastHeader(MailHeaders.INSPECTION);
        if (summary == null) {
            return Uni.createFrom().voidItem(); // submitted mail, a DSN, a release: not inspected here
        }
        return tracking.inspected(record.key(), new String(summary.value(), StandardCharsets.UTF_8));
    }

    @Incoming(DELIVERY_CHANNEL)
    public Uni<Void> delivery(ConsumerRecord<String, String> record) {
        return tracking.delivery(record.value());
    }
}
