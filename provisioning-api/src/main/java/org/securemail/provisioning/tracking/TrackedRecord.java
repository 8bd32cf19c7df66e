package org.securemail.provisioning.tracking;

/**
 * One record of a tracked topic as tracking reads it: where it is (for the log of a skipped one), its key, and the
 * JSON tracking needs (the envelope header, the inspection summary header or the delivery event; null when missing).
 */
public record TrackedRecord(String topic, int partition, long offset, String key, String json) {

    String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
