package org.securemail.system;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.securemail.testing.KafkaBroker;

/**
 * Follows {@code delivery.events} and counts the DEFERRED attempts per phase by their reply, with names, addresses
 * and numbers blanked out ({@code 451 4.4.3 ... timeout from IP:PORT}), so the test log says why mail waited.
 */
final class DeferralTally implements AutoCloseable {

    private static final Pattern OUTCOME = Pattern.compile("\"outcome\"\\s*:\\s*\"([A-Z]+)\"");
    private static final Pattern REPLY = Pattern.compile("\"reply\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread poller;
    private final Map<String, Map<String, LongAdder>> byPhase = new ConcurrentHashMap<>();
    private volatile String phase = "start";
    private volatile boolean closed;

    DeferralTally(KafkaBroker broker) {
        consumer = broker.consumer("delivery.events");
        poller = new Thread(this::poll, "deferral-tally");
        poller.setDaemon(true);
        poller.start();
    }

    void phase(String phase) {
        this.phase = phase;
    }

    private void poll() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String json = new String(record.value(), StandardCharsets.UTF_8);
                    Matcher outcome = OUTCOME.matcher(json);
                    if (outcome.find() && outcome.group(1).equals("DEFERRED")) {
                        Matcher reply = REPLY.matcher(json);
                        String text = reply.find() ? normalize(reply.group(1)) : "(no reply)";
                        byPhase.computeIfAbsent(phase, p -> new ConcurrentHashMap<>())
                                .computeIfAbsent(text, t -> new LongAdder()).increment();
                    }
                }
            }
        } catch (WakeupException stopping) {
            // closed
        } finally {
            consumer.close();
        }
    }

    static String normalize(String reply) {
        String text = reply.replaceAll("\\b[0-9a-z]+\\.((?:healthy|hosted)-\\d+\\.test)", "$1")
                .replaceAll("(healthy|hosted)-\\d+\\.test", "$1-NN.test")
                .replaceAll("\\d+\\.\\d+\\.\\d+\\.\\d+(:\\d+)?", "IP:PORT")
                .replaceAll("\\d+", "N");
        return text.length() > 160 ? text.substring(0, 160) : text;
    }

    /** The deferral reasons of {@code phase}, most frequent first. */
    String report(String phase) {
        Map<String, LongAdder> reasons = byPhase.getOrDefault(phase, Map.of());
        Map<String, Long> sorted = new TreeMap<>();
        reasons.forEach((text, count) -> sorted.put(text, count.sum()));
        StringBuilder line = new StringBuilder(phase).append(" deferrals by reply:");
        if (sorted.isEmpty()) {
            line.append(" none");
        }
        sorted.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> line.append(" [").append(e.getValue()).append("x ").append(e.getKey()).append(']'));
        return line.toString();
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
