package org.securemail.provisioning.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.quarantine.ReleaseOutcome;
import org.securemail.provisioning.quarantine.ReleaseWriter;

/**
 * In-memory {@link ReleaseWriter}: keeps what it "wrote", and fails the next writes the way a test scripts them. A
 * record larger than {@code mail.ready} takes is not written, as with the real producer ({@code ReleaseWriterContract}).
 * A test installs it with {@code QuarkusMock.installMockForType(fake, ReleaseWriter.class)}.
 */
public class FakeReleaseWriter implements ReleaseWriter {

    private record Scripted(ReleaseOutcome outcome, boolean landed) {
    }

    private final Queue<Scripted> script = new ConcurrentLinkedQueue<>();
    private final List<ProducerRecord<String, byte[]>> written = new ArrayList<>();
    private final List<String> attempts = new ArrayList<>();

    /** The next write fails without writing: {@link ReleaseOutcome#NOT_WRITTEN}. */
    public FakeReleaseWriter refuseNext() {
        script.add(new Scripted(ReleaseOutcome.NOT_WRITTEN, false));
        return this;
    }

    /**
     * The next write times out: {@link ReleaseOutcome#UNKNOWN}. {@code landed} says whether the record reached the topic
     * all the same (the broker appended it, its acknowledgement was lost).
     */
    public FakeReleaseWriter timeOutNext(boolean landed) {
        script.add(new Scripted(ReleaseOutcome.UNKNOWN, landed));
        return this;
    }

    @Override
    public synchronized ReleaseOutcome write(ProducerRecord<String, byte[]> ready) {
        attempts.add(ready.key());
        if (size(ready) > Topics.MAIL_MAX_MESSAGE_BYTES) {
            return ReleaseOutcome.NOT_WRITTEN;
        }
        Scripted next = script.poll();
        if (next == null || next.landed()) {
            written.add(ready);
        }
        return next == null ? ReleaseOutcome.WRITTEN : next.outcome();
    }

    /** What is on the fake topic with this key, in the order written. */
    public synchronized List<ProducerRecord<String, byte[]>> written(String key) {
        return written.stream().filter(r -> key.equals(r.key())).toList();
    }

    /** Writes of records with this key begun, whatever their outcome. */
    public synchronized long attempts(String key) {
        return attempts.stream().filter(key::equals).count();
    }

    private static long size(ProducerRecord<String, byte[]> record) {
        long size = (record.key() == null ? 0 : record.key().length()) + (record.value() == null ? 0 : record.value().length);
        for (Header h : record.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
