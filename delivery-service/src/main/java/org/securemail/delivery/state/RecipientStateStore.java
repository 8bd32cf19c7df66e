package org.securemail.delivery.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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
 * (acknowledged but not yet committed, or a duplicate retry record) does not deliver them twice; and which of its
 * records were already handed on to a retry tier or the park topic, so that such a record read again does not start
 * a second retry chain (ADR 0089). Backed by the compacted {@code delivery.state} topic, loaded at start by
 * {@code DeliveryTables}.
 */
@ApplicationScoped
public class RecipientStateStore {

    /**
     * The handled records remembered per message, newest kept. A record is read again only while its offset is not
     * committed, seconds after it was handled (minutes behind a slow delivery of its partition), while a message makes
     * a new record at most once per retry or park delay.
     */
    public static final int HANDLED_KEPT = 32;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Inject
    KafkaOutbox outbox;

    @Inject
    ObjectMapper mapper;

    @Inject
    DeliveryConfig config;

    private static final class Entry {
        final Set<String> done = new HashSet<>();
        final LinkedHashSet<String> handled = new LinkedHashSet<>();
        Instant updatedAt = Instant.EPOCH;

        void handled(String coordinate) {
            handled.remove(coordinate);
            handled.add(coordinate);
            for (var oldest = handled.iterator(); handled.size() > HANDLED_KEPT; ) {
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** Whether the record at {@code coordinate} ({@link RecordCoordinate}) of this message was already handled. */
    public boolean isHandled(String queueId, String coordinate) {
        Entry entry = entries.get(queueId);
        if (entry == null || coordinate == null) {
            return false;
        }
        synchronized (entry) {
            return entry.handled.contains(coordinate);
        }
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
        return settle(queueId, recipients, null);
    }

    /**
     * Records final recipients and, unless null, that the record at {@code handled} was handed on (its follow-up
     * records are acknowledged); the returned Uni completes when the state record is acknowledged by Kafka.
     */
    public Uni<Void> settle(String queueId, Collection<String> recipients, String handled) {
        if (recipients.isEmpty() && handled == null) {
            return Uni.createFrom().voidItem();
        }
        Entry entry = entries.computeIfAbsent(queueId, k -> new Entry());
        synchronized (entry) {
            entry.done.addAll(recipients);
            if (handled != null) {
                entry.handled(handled);
            }
            entry.updatedAt = Instant.now();
            byte[] json;
            try {
                json = mapper.writeValueAsBytes(new DeliveryState(queueId, entry.done, List.copyOf(entry.handled),
                        entry.updatedAt));
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
            state.handled().forEach(entry::handled);
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
