package org.securemail.provisioning.quarantine;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.securemail.common.mail.MailHeaders;

/**
 * Indexes every record of {@code mail.quarantine} (headers only; the value, the message, stays on the topic). A record
 * that cannot be read is counted and skipped ({@code provisioning.quarantine.skipped}); a failed insert is retried.
 */
@ApplicationScoped
public class QuarantineConsumer {

    public static final String CHANNEL = "quarantine-held";
    /** The inspection stage's verdict header (ingest's {@code InspectionStage.VERDICT_HEADER}). */
    static final String VERDICT_HEADER = "sm-verdict";

    @Inject
    QuarantineService quarantine;

    @Incoming(CHANNEL)
    public Uni<Void> held(ConsumerRecord<String, byte[]> record) {
        return quarantine.held(record.key(), record.partition(), record.offset(), text(record, MailHeaders.ENVELOPE),
                text(record, VERDICT_HEADER), record.serializedValueSize());
    }

    private static String text(ConsumerRecord<String, byte[]> record, String header) {
        Header h = record.headers().lastHeader(header);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
