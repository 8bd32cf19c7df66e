package org.securemail.provisioning.quarantine;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Port: writes a released message to {@code mail.ready} and says whether it got there. Blocking, bounded by the
 * adapter's own timeouts; never throws: every failure is an outcome, {@link ReleaseOutcome#NOT_WRITTEN} only when the
 * record certainly did not reach the topic. Real adapter: {@link KafkaReleaseWriter}; test fake: {@code
 * FakeReleaseWriter}; both pass {@code ReleaseWriterContract}.
 */
public interface ReleaseWriter {

    /** {@link ReleaseOutcome#WRITTEN}, {@link ReleaseOutcome#NOT_WRITTEN} or {@link ReleaseOutcome#UNKNOWN}. */
    ReleaseOutcome write(ProducerRecord<String, byte[]> ready);
}
