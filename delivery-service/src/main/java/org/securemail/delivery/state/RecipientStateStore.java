package org.securemail.delivery.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import org.securemail.delivery.config.DeliveryConfig;
import org.securemail.delivery.messaging.KafkaOutbox;

/**
 * Which recipients of a message already reached a final outcome, so that a record read again after a restart
 * (acknowledged but not yet committed, or a duplicate retry record) does not deliver them twice. Backed by the
 * compacted {@code delivery.state} topic, loaded at start by {@code DeliveryTables}.
 */
@ApplicationScoped
public class RecipientStateStore {

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Inject
    KafkaOutbox outbox;

    @Inject
    ObjectMapper mapper;

    @Inject
    DeliveryConfig config;

    private static final class Entry {
        final Set<String> done = new HashSet<>();
        Instant updatedAt = Instant.EPOCH;
    }

    public boolean isFinal(String queueId, String recipient) {
        Entry entry = entries.get(queueId);
        if (entry == null) {
            return false;
        }
        synchronized (entry) {
            return entry.done.contains(recipient);
        }
    }

    /** Records final recipients; the returned Uni completes when the state record is acknowledged by Kafka. */
    public Uni<Void> markFinal(String queueId, Collection<String> recipients) {
        if (recipients.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Entry entry = entries.computeIfAbsent(queueId, k -> new Entry());
        synchronized (entry) {
            entry.done.addAll(recipients);
            entry.updatedAt = Instant.now();
            byte[] json;
            try {
                json = mapper.writeValueAsBytes(new DeliveryState(queueId, entry.done, entry.updatedAt));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // sent now, under the lock, so that the last record of a queue id always holds the whole set
            Uni<Void> sent = outbox.state(queueId, json).memoize().indefinitely();
            sent.subscribe().with(v -> {
            }, e -> {
            });
            return sent;
        }
    }

    /** Applies one record of the compacted topic (null value: tombstone). Old entries are not loaded. */
    public void apply(String queueId, byte[] value) {
        if (queueId == null) {
            return;
        }
        if (value == null) {
            entries.remove(queueId);
            return;
        }
        DeliveryState state;
        try {
            state = mapper.readValue(value, DeliveryState.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant horizon = horizon(Instant.now());
        if (state.updatedAt() != null && state.updatedAt().isBefore(horizon)) {
            return;
        }
        Entry entry = entries.computeIfAbsent(queueId, k -> new Entry());
        synchronized (entry) {
            entry.done.addAll(state.done());
            if (state.updatedAt() != null && state.updatedAt().isAfter(entry.updatedAt)) {
                entry.updatedAt = state.updatedAt();
            }
        }
    }

    /**
     * Forgets messages whose state did not change since {@code horizon} (they are past their delivery lifetime,
     * and the compacted topic deletes them too), so a long-running replica does not keep every queue id ever seen.
     *
     * @return the entries removed
     */
    public int evictUpdatedBefore(Instant horizon) {
        int[] removed = {0};
        entries.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                boolean old = e.getValue().updatedAt.isBefore(horizon);
                removed[0] += old ? 1 : 0;
                return old;
            }
        });
        return removed[0];
    }

    /** The horizon used at load and eviction: the delivery lifetime plus one day. */
    public Instant horizon(Instant now) {
        return now.minus(config.retry().lifetime()).minus(java.time.Duration.ofDays(1));
    }

    public int size() {
        return entries.size();
    }
}
