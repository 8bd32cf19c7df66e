package org.securemail.delivery.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.topics.Topics;
import org.securemail.testing.KafkaBroker;

/**
 * Every {@link DeliveryEvent} on {@code delivery.events}, read by a daemon thread from the first call of
 * {@link #follow} for the rest of the test JVM (the Quarkus test application, and its broker, live that long).
 */
public final class DeliveryEvents {

    private final List<DeliveryEvent> events = new CopyOnWriteArrayList<>();
    private Thread reader;

    /** Starts reading, once; later calls do nothing. */
    public synchronized void follow(KafkaBroker broker, ObjectMapper mapper, String threadName) {
        if (reader != null) {
            return;
        }
        KafkaConsumer<String, byte[]> consumer = broker.consumer(Topics.DELIVERY_EVENTS);
        reader = new Thread(() -> {
            try (consumer) {
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        events.add(mapper.readValue(r.value(), DeliveryEvent.class));
                    }
                }
            } catch (Exception e) {
                // test JVM shutting down
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /** Every event read so far. */
    public List<DeliveryEvent> all() {
        return events;
    }

    /** The events of one message read so far. */
    public List<DeliveryEvent> of(String queueId) {
        return events.stream().filter(e -> e.queueId().equals(queueId)).toList();
    }
}
