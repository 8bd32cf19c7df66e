package org.securemail.delivery.messaging;

import java.nio.charset.StandardCharsets;
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
 * Every record the service writes; each returned {@link Uni} completes when the broker acknowledged it (acks=all).
 */
@ApplicationScoped
public class KafkaOutbox {

    @Inject
    @Channel(Channels.RETRY_OUT)
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> retry;

    @Inject
    @Channel(Channels.BOUNCE_OUT)
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> bounces;

    @Inject
    @Channel(Channels.EVENTS_OUT)
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> events;

    @Inject
    @Channel(Channels.STATE_OUT)
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> state;

    @Inject
    MessageTracing tracing;

    public Uni<Void> retry(String topic, String key, byte[] message, Map<String, String> headers) {
        return send(retry, topic, key, message, headers);
    }

    public Uni<Void> bounce(String key, byte[] message, Map<String, String> headers) {
        return send(bounces, null, key, message, headers);
    }

    public Uni<Void> event(String key, byte[] json) {
        return send(events, null, key, json, Map.of());
    }

    public Uni<Void> state(String key, byte[] json) {
        return send(state, null, key, json, Map.of());
    }

    /**
     * With traces on, the record carries the trace context of the subscription it is written in (the delivery's): a
     * retry record continues the message's trace at its next attempt, an event links tracking to it.
     */
    private Uni<Void> send(MutinyEmitter<byte[]> emitter, String topic, String key, byte[] value,
            Map<String, String> headers) {
        return tracing.withParent(parent -> {
            RecordHeaders recordHeaders = new RecordHeaders();
            headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
            OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                    OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(recordHeaders);
            if (topic != null) {
                metadata.withTopic(topic);
            }
            Message<byte[]> message = Message.of(value).addMetadata(metadata.build());
            if (parent != null) {
                // the connector's publish span goes under it (and rewrites traceparent); without it, this one stays
                tracing.inject(parent, recordHeaders);
                message = message.addMetadata(TracingMetadata.withCurrent(parent));
            }
            return emitter.sendMessage(message);
        });
    }
}
