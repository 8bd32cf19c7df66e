package org.securemail.provisioning.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.testing.FakeReleaseWriter;

/** The fake passes the contract of the real writer, and fails as scripted. */
class FakeReleaseWriterTest implements ReleaseWriterContract {

    private final FakeReleaseWriter fake = new FakeReleaseWriter();

    @Override
    public ReleaseWriter writer() {
        return fake;
    }

    @Override
    public List<Landed> landed(String key) {
        return fake.written(key).stream().map(r -> new Landed(r.value(), r.headers())).toList();
    }

    @Test
    void scriptedFailuresComeInOrderThenWritesSucceed() {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.MAIL_READY, "QFAKE",
                "x".getBytes(StandardCharsets.UTF_8));
        fake.refuseNext().timeOutNext(true).timeOutNext(false);

        assertThat(fake.write(r)).isEqualTo(ReleaseOutcome.NOT_WRITTEN);
        assertThat(fake.write(r)).isEqualTo(ReleaseOutcome.UNKNOWN);
        assertThat(fake.write(r)).isEqualTo(ReleaseOutcome.UNKNOWN);
        assertThat(fake.write(r)).isEqualTo(ReleaseOutcome.WRITTEN);
        // the timed-out write that landed, and the last one
        assertThat(fake.written("QFAKE")).hasSize(2);
        assertThat(fake.attempts("QFAKE")).isEqualTo(4);
    }
}
