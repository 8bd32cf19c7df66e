package org.securemail.provisioning.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.topics.Topics;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

/** The Kafka adapter against the real broker (the contract), and which failures it calls certain. */
@QuarkusTest
class KafkaReleaseWriterTest implements ReleaseWriterContract {

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    KafkaClientSettings kafka;

    KafkaReleaseWriter writer;

    @BeforeEach
    void open() {
        writer = new KafkaReleaseWriter(kafka);
    }

    @AfterEach
    void close() {
        writer.close();
    }

    @Override
    public ReleaseWriter writer() {
        return writer;
    }

    @Override
    public List<Landed> landed(String key) {
        return broker.readToEnd(Topics.MAIL_READY).stream().filter(r -> key.equals(r.key()))
                .map(r -> new Landed(r.value(), r.headers())).toList();
    }

    @Test
    void onlyFailuresBeforeTheAppendAreCertain() {
        assertThat(KafkaReleaseWriter.classify(new RecordTooLargeException("too large")))
                .isEqualTo(ReleaseOutcome.NOT_WRITTEN);
        assertThat(KafkaReleaseWriter.classify(new SerializationException("bad")))
                .isEqualTo(ReleaseOutcome.NOT_WRITTEN);
        assertThat(KafkaReleaseWriter.classify(new InvalidRecordException("invalid")))
                .isEqualTo(ReleaseOutcome.NOT_WRITTEN);
        assertThat(KafkaReleaseWriter.classify(new TopicAuthorizationException("denied")))
                .isEqualTo(ReleaseOutcome.NOT_WRITTEN);
        // the delivery timeout: the batch may have been appended and its acknowledgement lost
        assertThat(KafkaReleaseWriter.classify(new TimeoutException("Expiring 1 record(s)")))
                .isEqualTo(ReleaseOutcome.UNKNOWN);
        assertThat(KafkaReleaseWriter.classify(new NotEnoughReplicasAfterAppendException("appended")))
                .isEqualTo(ReleaseOutcome.UNKNOWN);
        assertThat(KafkaReleaseWriter.classify(new NetworkException("connection lost")))
                .isEqualTo(ReleaseOutcome.UNKNOWN);
        assertThat(KafkaReleaseWriter.classify(new KafkaException("anything else")))
                .isEqualTo(ReleaseOutcome.UNKNOWN);
    }
}
