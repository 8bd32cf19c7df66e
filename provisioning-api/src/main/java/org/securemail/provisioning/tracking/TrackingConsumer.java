package org.securemail.provisioning.tracking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.securemail.common.mail.MailHeaders;

import io.smallrye.mutiny.Uni;

/**
 * Feeds the tracking tables, a Kafka poll's batch at a time ({@code batch=true} on the three channels; issue 15), from
 * {@code mail.accepted} (envelope header only), the inspection summaries on {@code mail.ready} and
 * {@code mail.quarantine}, and {@code delivery.events}. A record that cannot be read is counted and skipped by
 * {@link TrackingWriter}: never dead-lettered, because a mail topic's dead-letter topic is replayed as mail.
 */
@ApplicationScoped
public class TrackingConsumer {

    public static final String ACCEPTED_CHANNEL = "tracking-accepted";
    public static final String DELIVERY_CHANNEL = "tracking-delivery";
    public static final String INSPECTED_CHANNEL = "tracking-inspected";

    @Inject
    TrackingWriter writer;

    @Incoming(ACCEPTED_CHANNEL)
    public Uni<Void> accepted(ConsumerRecords<String, byte[]> records) {
        return writer.accepted(tracked(records, r -> header(r, MailHeaders.ENVELOPE)));
    }

    /** {@code mail.ready} and {@code mail.quarantine}: the inspection stage's summary header, when there is one. */
    @Incoming(INSPECTED_CHANNEL)
    public Uni<Void> inspected(ConsumerRecords<String, byte[]> records) {
        // submitted mail, a DSN, a release: no summary, not inspected here. A summary of a message inspected in the
        // session comes with its envelope: that record is the message's first (ADR 0077)
        List<TrackedRecord> out = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
            String summary = header(r, MailHeaders.INSPECTION);
            if (summary != null) {
                out.add(new TrackedRecord(r.topic(), r.partition(), r.offset(), r.key(), summary,
                        header(r, MailHeaders.ENVELOPE)));
            }
        }
        return writer.inspected(out);
    }

    @Incoming(DELIVERY_CHANNEL)
    public Uni<Void> delivery(ConsumerRecords<String, String> records) {
        return writer.delivery(tracked(records, ConsumerRecord::value));
    }

    /** The records in poll order (per partition); one without the data is kept (to be skipped and counted). */
    private static <V> List<TrackedRecord> tracked(ConsumerRecords<String, V> records,
            Function<ConsumerRecord<String, V>, String> json) {
        List<TrackedRecord> out = new ArrayList<>(records.count());
        for (ConsumerRecord<String, V> r : records) {
            out.add(new TrackedRecord(r.topic(), r.partition(), r.offset(), r.key(), json.apply(r)));
        }
        return out;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
