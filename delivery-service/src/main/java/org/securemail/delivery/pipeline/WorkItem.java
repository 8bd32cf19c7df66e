package org.securemail.delivery.pipeline;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.delivery.retry.RetryState;
import org.securemail.delivery.state.RecordCoordinate;

/**
 * One message to work on, read from the input topic (attempt 1) or from a retry tier.
 *
 * @param queueId    the message's queue id (Kafka key)
 * @param envelope   the envelope; on a retry record its recipients are the pending ones only
 * @param raw        the RFC 5322 message
 * @param attempt    1 for the first attempt
 * @param dueAt      not before (retry records), else null
 * @param receivedAt  when the message was accepted (lifetime starts here)
 * @param delayWarned the sender already got a delay notice
 * @param source      where the record is ({@link RecordCoordinate}), or null when unknown
 */
record WorkItem(String queueId, MailEnvelope envelope, byte[] raw, int attempt, Instant dueAt, Instant receivedAt,
        boolean delayWarned, String source) {

    WorkItem(String queueId, MailEnvelope envelope, byte[] raw, int attempt, Instant dueAt, Instant receivedAt,
            boolean delayWarned) {
        this(queueId, envelope, raw, attempt, dueAt, receivedAt, delayWarned, null);
    }

    static WorkItem from(Message<byte[]> message, boolean retry, ObjectMapper mapper) {
        @SuppressWarnings("unchecked")
        Optional<IncomingKafkaRecordMetadata<String, byte[]>> metadata = message
                .getMetadata(IncomingKafkaRecordMetadata.class).map(m -> (IncomingKafkaRecordMetadata<String, byte[]>) m);
        IncomingKafkaRecordMetadata<String, byte[]> meta = metadata
                .orElseThrow(() -> new InvalidRecordException("not a Kafka record"));
        byte[] raw = message.getPayload();
        if (raw == null || raw.length == 0) {
            throw new InvalidRecordException("record without a message body");
        }
        Header envelopeHeader = meta.getHeaders().lastHeader(MailHeaders.ENVELOPE);
        if (envelopeHeader == null) {
            throw new InvalidRecordException("record without the " + MailHeaders.ENVELOPE + " header");
        }
        MailEnvelope envelope;
        try {
            envelope = mapper.readValue(envelopeHeader.value(), MailEnvelope.class);
        } catch (IOException e) {
            throw new InvalidRecordException("unreadable " + MailHeaders.ENVELOPE + " header: " + e.getClass().getSimpleName());
        }
        String queueId = meta.getKey() != null ? meta.getKey() : envelope.queueId();
        if (queueId == null || queueId.isBlank()) {
            throw new InvalidRecordException("record without a queue id");
        }
        Instant receivedAt = envelope.receivedAt() != null ? envelope.receivedAt() : meta.getTimestamp();
        String source = RecordCoordinate.of(meta.getTopic(), meta.getPartition(), meta.getOffset());
        if (!retry) {
            return new WorkItem(queueId, envelope, raw, 1, null, receivedAt, false, source);
        }
        Header stateHeader = meta.getHeaders().lastHeader(RetryState.HEADER);
        if (stateHeader == null) {
            throw new InvalidRecordException("retry record without the " + RetryState.HEADER + " header");
        }
        try {
            RetryState state = mapper.readValue(stateHeader.value(), RetryState.class);
            return new WorkItem(queueId, envelope, raw, Math.max(1, state.attempt()), state.dueAt(), receivedAt,
                    state.delayWarned(), source);
        } catch (IOException e) {
            throw new InvalidRecordException("unreadable " + RetryState.HEADER + " header: " + e.getClass().getSimpleName());
        }
    }

    /** A record that can never be processed; it goes to the channel's dead-letter topic. */
    static final class InvalidRecordException extends RuntimeException {
        InvalidRecordException(String message) {
            super(message, null, false, false);
        }
    }
}
