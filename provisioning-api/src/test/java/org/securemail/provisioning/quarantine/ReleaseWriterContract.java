package org.securemail.provisioning.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;

/**
 * What every {@link ReleaseWriter} does, the real adapter ({@code KafkaReleaseWriterTest}) and the fake
 * ({@code FakeReleaseWriterTest}) alike: a written record is on {@code mail.ready} once, as it was given; a record
 * {@code mail.ready} cannot take is certainly not written.
 */
public interface ReleaseWriterContract {

    /** One record as the writer's topic holds it. */
    record Landed(byte[] value, Headers headers) {
    }

    ReleaseWriter writer();

    /** The records with {@code key} on the topic the writer wrote to, oldest first. */
    List<Landed> landed(String key);

    @Test
    default void aWrittenRecordIsOnMailReadyOnceAsItWasGiven() {
        String key = "QCONTRACT" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        ProducerRecord<String, byte[]> ready = new ProducerRecord<>(Topics.MAIL_READY, key,
                "Subject: released\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8));
        ready.headers().add(MailHeaders.ENVELOPE, "{\"queueId\":\"x\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(writer().write(ready)).isEqualTo(ReleaseOutcome.WRITTEN);

        List<Landed> landed = landed(key);
        assertThat(landed).hasSize(1);
        assertThat(new String(landed.get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("Subject: released\r\n\r\nhello\r\n");
        assertThat(landed.get(0).headers().lastHeader(MailHeaders.ENVELOPE).value())
                .isEqualTo("{\"queueId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    default void aRecordLargerThanMailReadyTakesIsCertainlyNotWritten() {
        String key = "QCONTRACT" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        ProducerRecord<String, byte[]> huge = new ProducerRecord<>(Topics.MAIL_READY, key,
                new byte[Topics.MAIL_MAX_MESSAGE_BYTES + 1]);

        assertThat(writer().write(huge)).isEqualTo(ReleaseOutcome.NOT_WRITTEN);
        assertThat(landed(key)).isEmpty();
    }
}
