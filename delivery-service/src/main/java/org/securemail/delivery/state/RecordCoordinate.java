package org.securemail.delivery.state;

/** Where one Kafka record is: {@code topic/partition/offset}, the identity of a record read again. */
public final class RecordCoordinate {

    private RecordCoordinate() {
    }

    public static String of(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }
}
