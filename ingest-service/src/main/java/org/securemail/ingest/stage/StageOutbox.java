package org.securemail.ingest.stage;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.securemail.common.observe.MessageTracing;

/**
 * Every record the stage writes; each returned {@link Uni} completes when the broker acknowledged it (acks=all). With
 * traces on, a record carries the trace context of the subscription it is written in (the inspection's).
 */
@ApplicationScoped
public class StageOutbox {

    @Inject
    @Channel(StageChannels.OUT)
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> out;

    @Inject
    MessageTracing tracing;

    /** Writes {@code value} to {@code topic} under {@code key} with {@code headers} (name to bytes). */
    public Uni<Void> send(String topic, String key, byte[] value, Map<String, byte[]> headers) {
        return tracing.withParent(parent -> {
            RecordHeaders recordHeaders = new RecordHeaders();
            headers.forEach(recordHeaders::add);
            Message<byte[]> message = Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(topic).withKey(key).withHeaders(recordHeaders).build());
            if (parent != null) {
                // the connector's publish span goes under it (and rewrites traceparent); without it, this one stays
                tracing.inject(parent, recordHeaders);
                message = message.addMetadata(TracingMetadata.withCurrent(parent));
            }
            return out.sendMessage(message);
        });
    }
}
