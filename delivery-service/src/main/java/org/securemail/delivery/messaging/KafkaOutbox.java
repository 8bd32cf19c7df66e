package org.securemail.delivery.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Every record the service writes; each returned {@link Uni} completes when the broker acknowledged it (acks=all). */
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

    private static Uni<Void> send(MutinyEmitter<byte[]> emitter, String topic, String key, byte[] value,
            Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(recordHeaders);
        if (topic != null) {
            metadata.withTopic(topic);
        }
        return emitter.sendMessage(Message.of(value).addMetadata(metadata.build()));
    }
}
