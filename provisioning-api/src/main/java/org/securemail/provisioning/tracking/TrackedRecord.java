package org.securemail.provisioning.tracking;

/**
 * One record of a tracked topic as tracking reads it: where it is (for the log of a skipped one), its key, and the
 * JSON tracking needs (the envelope header, the inspection summary header or the delivery event; null when missing).
 * {@code envelope}: the envelope header beside an inspection summary (a message inspected in the session was never
 * on {@code mail.accepted}, so its summary's record is where tracking learns of it, ADR 0077); else null.
 */
public record TrackedRecord(String topic, int partition, long offset, String key, String json, String envelope) {

    public TrackedRecord(String topic, int partition, long offset, String key, String json) {
        this(topic, partition, offset, key, json, null);
    }

    String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
