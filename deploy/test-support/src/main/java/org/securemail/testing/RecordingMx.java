package org.securemail.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A receiving MX for resilience tests: an {@link SmtpSink} that accepts every message for every recipient and
 * records each (Message-ID, recipient) with the time it was received, so that loss and duplication are measured,
 * not assumed. Message bodies and transcripts are not kept (long runs). Every accessor is thread-safe.
 *
 * <p>A message without a Message-ID header is recorded under {@code "<none>"}.
 */
public final class RecordingMx implements AutoCloseable {

    /** What one delivery is identified by. */
    public record Key(String messageId, String recipient) {
        public Key {
            recipient = recipient.toLowerCase(Locale.ROOT);
        }
    }

    /** One recipient of one received message, with the receive time (epoch millis, at the end of DATA). */
    public record Receipt(String messageId, String recipient, long receivedAtMillis, int connection) {
        public Key key() {
            return new Key(messageId, recipient);
        }
    }

    private final SmtpSink sink;
    private final Map<Key, Long> firstReceived = new ConcurrentHashMap<>();
    private final List<Receipt> receipts = new CopyOnWriteArrayList<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();

    private RecordingMx(SmtpSink sink) {
        this.sink = sink;
        sink.keepTranscript = false;
        sink.onMessage = this::record;
    }

    /** Starts on a free port of 127.0.0.1. */
    public static RecordingMx start() {
        return new RecordingMx(SmtpSink.start());
    }

    public int port() {
        return sink.port();
    }

    /** Recipient receipts, duplicates included. */
    public int receipts() {
        return receipts.size();
    }

    /** Distinct (Message-ID, recipient) pairs received. */
    public int unique() {
        return firstReceived.size();
    }

    /** Receipts of a (Message-ID, recipient) pair that had been received before. */
    public int duplicates() {
        return duplicates.get();
    }

    /** Messages (DATA transactions) accepted. */
    public int messages() {
        return messages.get();
    }

    public int connections() {
        return sink.connections.get();
    }

    public boolean received(Key key) {
        return firstReceived.containsKey(key);
    }

    /** The epoch millis of the first receipt of {@code key}, or -1 when it has not arrived. */
    public long firstReceivedAt(Key key) {
        return firstReceived.getOrDefault(key, -1L);
    }

    /** Those of {@code expected} that have not been received (yet). */
    public List<Key> missing(Collection<Key> expected) {
        List<Key> missing = new ArrayList<>();
        for (Key key : expected) {
            if (!firstReceived.containsKey(key)) {
                missing.add(key);
            }
        }
        return missing;
    }

    /** The pairs received more than once, with their receipt counts. */
    public Map<Key, Integer> duplicated() {
        Map<Key, Integer> counts = new ConcurrentHashMap<>();
        for (Receipt receipt : receipts) {
            counts.merge(receipt.key(), 1, Integer::sum);
        }
        counts.values().removeIf(count -> count < 2);
        return counts;
    }

    /** A snapshot of every receipt, in arrival order. */
    public List<Receipt> all() {
        return List.copyOf(receipts);
    }

    /** The distinct pairs received so far. */
    public Set<Key> keys() {
        return Set.copyOf(firstReceived.keySet());
    }

    private void record(SmtpSink.Received message) {
        String messageId = messageId(message.data());
        long now = System.currentTimeMillis();
        messages.incrementAndGet();
        for (String recipient : message.recipients()) {
            Receipt receipt = new Receipt(messageId, recipient.toLowerCase(Locale.ROOT), now, message.connection());
            receipts.add(receipt);
            if (firstReceived.putIfAbsent(receipt.key(), now) != null) {
                duplicates.incrementAndGet();
            }
        }
    }

    /** The first Message-ID of the header (unfolded), or "<none>". */
    static String messageId(String data) {
        StringBuilder messageId = null;
        boolean inMessageId = false;
        for (String line : data.split("\r\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (inMessageId && continuation) {
                messageId.append(line.trim());
                continue;
            }
            inMessageId = false;
            if (messageId == null && line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                messageId = new StringBuilder(line.substring(11).trim());
                inMessageId = true;
            }
        }
        String id = messageId == null ? "" : messageId.toString().trim();
        return id.isEmpty() ? "<none>" : id;
    }

    /** Closes the listener and every open connection. */
    @Override
    public void close() {
        sink.close();
    }
}
