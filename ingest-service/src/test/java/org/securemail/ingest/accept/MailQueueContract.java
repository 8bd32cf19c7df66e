package org.securemail.ingest.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;

/**
 * What every {@link MailQueue} must do; run by the fake and by the Kafka adapter against a real broker.
 * Implementations supply a working queue, an unavailable one, and a way to read back what was stored.
 */
public interface MailQueueContract {

    MailQueue queue();

    /** A queue whose storage is unavailable. */
    MailQueue unavailableQueue();

    /** The stored message with this queue id, as envelope + bytes, if it is there. */
    Optional<FakeMailQueue.Stored> readBack(String queueId);

    static MailEnvelope envelope(String id, long size) {
        return new MailEnvelope(id, "a@sender.test", List.of("b@rcpt.test", "c@rcpt.test"), "192.0.2.1", "helo.test",
                "TLSv1.3", null, "t1", Direction.INBOUND, Instant.parse("2026-11-28T12:00:00Z"), size);
    }

    @Test
    default void completesOnlyOnceStoredAndStoresEnvelopeAndBytes() throws Exception {
        String id = QueueIds.next();
        byte[] message = "Received: x\r\nSubject: contract\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        queue().enqueue(envelope(id, message.length), message).toCompletableFuture().get(30, TimeUnit.SECONDS);
        FakeMailQueue.Stored stored = readBack(id).orElseThrow();
        assertThat(stored.message()).isEqualTo(message);
        assertThat(stored.envelope()).isEqualTo(envelope(id, message.length));
    }

    @Test
    default void storesAMessageOfTwentyMebibytes() throws Exception {
        String id = QueueIds.next();
        byte[] message = new byte[20 * 1024 * 1024];
        Arrays.fill(message, (byte) 'm');
        queue().enqueue(envelope(id, message.length), message).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(readBack(id).orElseThrow().message()).hasSize(message.length);
    }

    @Test
    default void failsWhenStorageIsUnavailable() {
        String id = QueueIds.next();
        byte[] message = "x".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> unavailableQueue().enqueue(envelope(id, 1), message).toCompletableFuture()
                .get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(readBack(id)).isEmpty();
    }
}
