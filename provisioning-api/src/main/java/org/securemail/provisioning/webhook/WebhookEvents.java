package org.securemail.provisioning.webhook;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.topics.Topics;
import org.securemail.common.webhook.WebhookDelivery;
import org.securemail.common.webhook.WebhookEventType;
import org.securemail.provisioning.outbox.OutboxRelay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Makes webhook events and queues one {@link WebhookDelivery} per event and subscribed, enabled endpoint of its tenant
 * on {@code webhooks.deliveries}, through the outbox, in the transaction of the fact the event reports (ADR 0078): a
 * tracked delivery attempt, an indexed quarantined message, a disabled endpoint. So an event is queued exactly when
 * its fact is first written: a redelivered Kafka record writes nothing new and queues nothing.
 *
 * <p>The tenant of a delivery attempt is that of its message, which tracking learns from another topic: whichever of
 * the attempt and the message is written second queues the event. Both sides take a transaction-scoped advisory lock
 * per queue id before they look for the other, so two transactions writing them at the same moment cannot both miss
 * each other (the one that takes the lock second sees the other's commit).
 *
 * <p>An event's id is derived from its fact ({@code UUID.nameUUIDFromBytes}), the same on every attempt and for every
 * endpoint: receivers drop repeats by it.
 */
@ApplicationScoped
public class WebhookEvents {

    /** Characters of a next hop's reply and of a quarantine reason carried in an event. */
    static final int MAX_TEXT = 1000;
    /** Recipients and reasons listed in a {@code message.quarantined} event ({@code recipientCount} has them all). */
    static final int MAX_LISTED = 100;

    private static final String ENDPOINTS = "SELECT id, tenant_id, event_types FROM webhook_endpoint"
            + " WHERE enabled AND tenant_id = ANY($1)";
    private static final String MESSAGES = "SELECT queue_id, tenant_id, sender, direction FROM tracked_message"
            + " WHERE queue_id = ANY($1) AND tenant_id IS NOT NULL";
    /** Lock class 78 (this ADR's number), key hashtext(queue id); taken in key order, so never a deadlock. */
    private static final String LOCK = "SELECT pg_advisory_xact_lock(78, k) FROM"
            + " (SELECT DISTINCT hashtext(q) AS k FROM unnest($1::text[]) AS q ORDER BY k) AS keys";
    private static final String ATTEMPTS = "SELECT queue_id, recipient, attempt, outcome, remote_host, reply,"
            + " next_attempt_at, at FROM tracked_attempt WHERE queue_id = ANY($1)";
    private static final String OUTBOX = "INSERT INTO outbox_event (topic, record_key, payload, created_at)"
            + " VALUES ($1, $2, $3, now())";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    ObjectMapper json;

    @Inject
    OutboxRelay relay;

    @Inject
    WebhookMetrics metrics;

    /** One event: what it is about is in {@code data}. */
    public record Event(UUID id, UUID tenantId, WebhookEventType type, Instant createdAt, ObjectNode data) {
    }

    /** A message tracking wrote for the first time, with what an event about it says. */
    public record NewMessage(String queueId, UUID tenantId, String sender, String direction) {
    }

    /** A message's tenant and what delivery events about it say of it. */
    private record Owner(UUID tenantId, String sender, String direction) {
    }

    // ---- sources -------------------------------------------------------------------------------------------

    /**
     * Tracking's delivery batch: the attempts this transaction inserted ({@code inserted}, new to the table). Those of
     * messages whose tenant is known are queued now; the others when their message is written.
     */
    public Uni<Integer> fromDeliveries(SqlConnection conn, List<DeliveryEvent> inserted) {
        if (inserted.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<String> queueIds = inserted.stream().map(DeliveryEvent::queueId).distinct().toList();
        return owners(conn, queueIds).chain(known -> {
            List<String> orphans = queueIds.stream().filter(q -> !known.containsKey(q)).toList();
            if (orphans.isEmpty()) {
                return Uni.createFrom().item(known);
            }
            // a message not written yet, or being written right now: wait for that transaction, then look again
            return lock(conn, orphans).chain(() -> owners(conn, orphans)).map(late -> {
                Map<String, Owner> all = new HashMap<>(known);
                all.putAll(late);
                return all;
            });
        }).chain(owners -> {
            if (owners.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Event> events = new ArrayList<>();
            for (DeliveryEvent e : inserted) {
                Owner owner = owners.get(e.queueId());
                if (owner != null) {
                    events.add(delivery(owner, e.queueId(), e.recipient(), e.attempt(), e.outcome(), e.remoteHost(),
                            e.reply(), e.nextAttemptAt(), e.at()));
                }
            }
            return enqueue(conn, events);
        });
    }

    /**
     * Tracking's accept batch (and a session verdict's first record): the messages this transaction inserted. Attempts
     * tracked before their message are queued now.
     */
    public Uni<Integer> fromNewMessages(SqlConnection conn, List<NewMessage> inserted) {
        List<NewMessage> owned = inserted.stream().filter(m -> m.tenantId() != null).toList();
        if (owned.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return endpoints(conn, owned.stream().map(NewMessage::tenantId).toList()).chain(endpoints -> {
            List<NewMessage> watched = owned.stream().filter(m -> endpoints.containsKey(m.tenantId())).toList();
            if (watched.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            String[] ids = watched.stream().map(NewMessage::queueId).toArray(String[]::new);
            return lock(conn, List.of(ids)).chain(() -> conn.preparedQuery(ATTEMPTS).execute(Tuple.of(ids)))
                    .chain(rows -> {
                        Map<String, NewMessage> byId = new HashMap<>();
                        watched.forEach(m -> byId.put(m.queueId(), m));
                        List<Event> events = new ArrayList<>();
                        for (Row r : rows) {
                            NewMessage m = byId.get(r.getString("queue_id"));
                            OffsetDateTime next = r.getOffsetDateTime("next_attempt_at");
                            events.add(delivery(new Owner(m.tenantId(), m.sender(), m.direction()), m.queueId(),
                                    r.getString("recipient"), r.getInteger("attempt"),
                                    Outcome.valueOf(r.getString("outcome")), r.getString("remote_host"),
                                    r.getString("reply"), next == null ? null : next.toInstant(),
                                    r.getOffsetDateTime("at").toInstant()));
                        }
                        return enqueue(conn, events, endpoints);
                    });
        });
    }

    /** A quarantined message indexed for the first time ({@code quarantineId}: its id in the quarantine API). */
    public Uni<Integer> quarantined(SqlConnection conn, UUID tenantId, UUID quarantineId, String queueId, String sender,
            List<String> recipients, String action, List<String> reasons, Instant heldAt, int partition, long offset) {
        ObjectNode data = json.createObjectNode();
        data.put("quarantineId", quarantineId.toString());
        data.put("queueId", queueId);
        data.put("sender", sender);
        recipients.stream().limit(MAX_LISTED).forEach(data.putArray("recipients")::add);
        data.put("recipientCount", recipients.size());
        data.put("action", action);
        reasons.stream().limit(MAX_LISTED).map(WebhookEvents::cut).forEach(data.putArray("reasons")::add);
        data.put("heldAt", heldAt.toString());
        UUID id = factId("mail.quarantine", Integer.toString(partition), Long.toString(offset), queueId);
        return enqueue(conn, List.of(new Event(id, tenantId, WebhookEventType.MESSAGE_QUARANTINED, heldAt, data)));
    }

    // ---- queueing ------------------------------------------------------------------------------------------

    /** Queues each event for each enabled endpoint of its tenant that lists its type; returns the deliveries queued. */
    public Uni<Integer> enqueue(SqlConnection conn, List<Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return endpoints(conn, events.stream().map(Event::tenantId).toList())
                .chain(endpoints -> enqueue(conn, events, endpoints));
    }

    private Uni<Integer> enqueue(SqlConnection conn, List<Event> events, Map<UUID, List<Subscriber>> endpoints) {
        List<Tuple> rows = new ArrayList<>();
        for (Event e : events) {
            String body = null;
            for (Subscriber s : endpoints.getOrDefault(e.tenantId(), List.of())) {
                if (!s.types().contains(e.type().wireName())) {
                    continue;
                }
                body = body == null ? document(e) : body;
                WebhookDelivery d = new WebhookDelivery(s.endpointId().toString(), e.tenantId().toString(),
                        e.id().toString(), e.type().wireName(), body, 1, e.createdAt(), null);
                rows.add(Tuple.of(Topics.WEBHOOKS_DELIVERIES, d.endpointId(), write(d)));
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return conn.preparedQuery(OUTBOX).executeBatch(rows).replaceWith(rows.size());
    }

    /** After the transaction that queued {@code n} deliveries committed: counts them and wakes the outbox relay. */
    public void committed(int n) {
        if (n > 0) {
            metrics.enqueued(n);
            relay.wakeUp();
        }
    }

    /** The JSON document a receiver gets: {@code id}, {@code type}, {@code createdAt}, {@code tenantId}, {@code data}. */
    public String document(Event e) {
        ObjectNode doc = json.createObjectNode();
        doc.put("id", e.id().toString());
        doc.put("type", e.type().wireName());
        doc.put("createdAt", e.createdAt().toString());
        doc.put("tenantId", e.tenantId().toString());
        doc.set("data", e.data());
        return write(doc);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private record Subscriber(UUID endpointId, Set<String> types) {
    }

    private Event delivery(Owner owner, String queueId, String recipient, int attempt, Outcome outcome,
            String remoteHost, String reply, Instant nextAttemptAt, Instant at) {
        ObjectNode data = json.createObjectNode();
        data.put("queueId", queueId);
        data.put("recipient", recipient);
        data.put("sender", owner.sender());
        data.put("direction", owner.direction());
        data.put("attempt", attempt);
        data.put("outcome", outcome.name());
        data.put("remoteHost", remoteHost);
        data.put("reply", reply == null ? null : cut(reply));
        data.put("nextAttemptAt", nextAttemptAt == null ? null : nextAttemptAt.toString());
        data.put("at", at.toString());
        WebhookEventType type = switch (outcome) {
            case DELIVERED -> WebhookEventType.MESSAGE_DELIVERED;
            case DEFERRED -> WebhookEventType.MESSAGE_DEFERRED;
            case BOUNCED -> WebhookEventType.MESSAGE_BOUNCED;
        };
        UUID id = factId("delivery.events", queueId, recipient, Integer.toString(attempt), outcome.name());
        return new Event(id, owner.tenantId(), type, at, data);
    }

    private Uni<Map<String, Owner>> owners(SqlConnection conn, List<String> queueIds) {
        return conn.preparedQuery(MESSAGES).execute(Tuple.of(queueIds.toArray(String[]::new))).map(rows -> {
            Map<String, Owner> out = new HashMap<>();
            for (Row r : rows) {
                out.put(r.getString("queue_id"),
                        new Owner(r.getUUID("tenant_id"), r.getString("sender"), r.getString("direction")));
            }
            return out;
        });
    }

    private Uni<Map<UUID, List<Subscriber>>> endpoints(SqlConnection conn, List<UUID> tenants) {
        UUID[] distinct = new LinkedHashSet<>(tenants).toArray(UUID[]::new);
        return conn.preparedQuery(ENDPOINTS).execute(Tuple.of(distinct)).map(rows -> {
            Map<UUID, List<Subscriber>> out = new HashMap<>();
            for (Row r : rows) {
                Set<String> types;
                try {
                    types = new HashSet<>(json.readValue(r.getString("event_types"), STRINGS));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("event_types of webhook " + r.getUUID("id") + " is not JSON", e);
                }
                out.computeIfAbsent(r.getUUID("tenant_id"), t -> new ArrayList<>())
                        .add(new Subscriber(r.getUUID("id"), types));
            }
            return out;
        });
    }

    private static Uni<Void> lock(SqlConnection conn, List<String> queueIds) {
        return conn.preparedQuery(LOCK).execute(Tuple.of(queueIds.toArray(String[]::new))).replaceWithVoid();
    }

    /** The id of the event about one fact: the same whenever that fact is read again. */
    static UUID factId(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** A random id whose first 48 bits are the time in milliseconds (the UUIDv7 layout), so ids sort by time. */
    static UUID timeOrderedId(Instant at) {
        long ms = at.toEpochMilli();
        long high = (ms << 16) | 0x7000L | (RANDOM.nextInt() & 0x0fffL);
        long low = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    static String cut(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value, e);
        }
    }
}
