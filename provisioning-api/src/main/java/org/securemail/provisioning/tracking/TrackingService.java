package org.securemail.provisioning.tracking;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.mail.InspectionSummary;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.tracking.TrackingDtos.Attempt;
import org.securemail.provisioning.tracking.TrackingDtos.MessageSummary;
import org.securemail.provisioning.tracking.TrackingDtos.MessageTimeline;
import org.securemail.provisioning.tracking.TrackingDtos.RecipientStatus;
import org.securemail.provisioning.tracking.TrackingDtos.RecipientSummary;
import org.securemail.provisioning.tracking.TrackingDtos.RecipientTrack;
import org.securemail.provisioning.tracking.TrackingDtos.TimelineEntry;
import org.securemail.provisioning.api.Page;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;


import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Message tracking, the read side ({@link TrackingWriter} writes the tables). Writes are idempotent: every insert is keyed by a natural key ({@code queue id},
 * {@code queue id + recipient}, {@code queue id + recipient + attempt + outcome}) with {@code ON CONFLICT DO NOTHING},
 * and a recipient's status only moves forward (a final outcome is never overwritten), so replays, duplicates and
 * events arriving before the message's accept record all converge to the same state.
 * Reads always filter on the caller's tenant in SQL.
 */
@ApplicationScoped
public class TrackingService {


    @Inject
    Pool pool;

    @Inject
    ObjectMapper quarkusMapper;

    /** Events from other services may gain fields; tracking must not reject them for that. */
    private ObjectMapper events;

    @PostConstruct
    void init() {
        events = quarkusMapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    // ---- queries -------------------------------------------------------------------------------------------

    public Uni<MessageTimeline> timeline(Caller caller, String queueId) {
        StringBuilder sql = new StringBuilder(
                "SELECT queue_id, tenant_id, sender, direction, client_ip, size_bytes, received_at FROM tracked_message"
                        + " WHERE queue_id = $1");
        List<Object> args = new ArrayList<>(List.of(queueId));
        scope(caller, null, sql, args, "tenant_id");
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().failure(ApiProblem.notFound("message", queueId));
            }
            Row m = rows.iterator().next();
            Uni<List<Row>> recipients = pool.preparedQuery(
                    "SELECT recipient, status, attempts FROM tracked_recipient WHERE queue_id = $1 ORDER BY recipient")
                    .execute(Tuple.of(queueId)).map(TrackingService::toList);
            Uni<List<Row>> attempts = pool.preparedQuery(
                    "SELECT recipient, attempt, outcome, remote_host, reply, next_attempt_at, at FROM tracked_attempt"
                            + " WHERE queue_id = $1 ORDER BY at, attempt")
                    .execute(Tuple.of(queueId)).map(TrackingService::toList);
            Uni<List<Row>> inspections = pool.preparedQuery(
                    "SELECT action, checks, reasons, failed_open, passes, at FROM tracked_inspection WHERE queue_id = $1")
                    .execute(Tuple.of(queueId)).map(TrackingService::toList);
            return Uni.combine().all().unis(recipients, attempts, inspections).asTuple()
                    .map(t -> buildTimeline(m, t.getItem1(), t.getItem2(), inspectionEntries(t.getItem3())));
        });
    }

    public Uni<Page<MessageSummary>> search(Caller caller, MessageQuery q) {
        StringBuilder sql = new StringBuilder(
                "SELECT m.queue_id, m.tenant_id, m.sender, m.direction, m.size_bytes, m.received_at"
                        + " FROM tracked_message m WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        scope(caller, q.tenantId(), sql, args, "m.tenant_id");
        if (q.sender() != null) {
            args.add(q.sender());
            sql.append(" AND lower(m.sender) = lower($").append(args.size()).append(')');
        }
        if (q.recipient() != null) {
            args.add(q.recipient());
            sql.append(" AND EXISTS (SELECT 1 FROM tracked_recipient r WHERE r.queue_id = m.queue_id AND lower(r.recipient) = lower($")
                    .append(args.size()).append("))");
        }
        if (q.status() != null) {
            args.add(q.status().name());
            sql.append(" AND EXISTS (SELECT 1 FROM tracked_recipient s WHERE s.queue_id = m.queue_id AND s.status = $")
                    .append(args.size()).append(')');
        }
        if (q.from() != null) {
            args.add(utc(q.from()));
            sql.append(" AND m.received_at >= $").append(args.size());
        }
        if (q.to() != null) {
            args.add(utc(q.to()));
            sql.append(" AND m.received_at < $").append(args.size());
        }
        if (q.cursor() != null) {
            Cursor c = Cursor.decode(q.cursor());
            args.add(utc(c.receivedAt()));
            int ts = args.size();
            args.add(c.queueId());
            sql.append(" AND (m.received_at, m.queue_id) < ($").append(ts).append(", $").append(args.size()).append(')');
        }
        args.add(q.limit() + 1);
        sql.append(" ORDER BY m.received_at DESC, m.queue_id DESC LIMIT $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(TrackingService::toList)
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(new Page<MessageSummary>(List.of(), null));
                    }
                    String[] ids = rows.stream().map(r -> r.getString("queue_id")).toArray(String[]::new);
                    return pool.preparedQuery("SELECT queue_id, recipient, status, attempts FROM tracked_recipient"
                                    + " WHERE queue_id = ANY($1) ORDER BY recipient")
                            .execute(Tuple.of(ids)).map(TrackingService::toList)
                            .map(rcpts -> summaries(rows, rcpts, q.limit()));
                });
    }

    /** Tenant keys see only their tenant; operators see all, or one tenant when they ask for it. */
    private static void scope(Caller caller, UUID requestedTenant, StringBuilder sql, List<Object> args, String column) {
        UUID tenant = caller.operator() ? requestedTenant : caller.tenantId();
        if (!caller.operator() && requestedTenant != null && !requestedTenant.equals(caller.tenantId())) {
            throw ApiProblem.forbidden("a tenant key may only search its own tenant's messages");
        }
        if (tenant != null) {
            args.add(tenant);
            sql.append(" AND ").append(column).append(" = $").append(args.size());
        }
    }

    private static Page<MessageSummary> summaries(List<Row> rows, List<Row> rcpts, int limit) {
        Map<String, List<RecipientSummary>> byMessage = new LinkedHashMap<>();
        for (Row r : rcpts) {
            byMessage.computeIfAbsent(r.getString("queue_id"), k -> new ArrayList<>())
                    .add(new RecipientSummary(r.getString("recipient"), RecipientStatus.valueOf(r.getString("status")),
                            r.getInteger("attempts")));
        }
        return Page.of(rows, limit,
                r -> new MessageSummary(r.getString("queue_id"), r.getUUID("tenant_id"), r.getString("sender"),
                        r.getString("direction"), r.getLong("size_bytes"), instant(r, "received_at"),
                        byMessage.getOrDefault(r.getString("queue_id"), List.of())),
                r -> new Cursor(instant(r, "received_at"), r.getString("queue_id")).encode());
    }

    /** INSPECTED (delivered on), QUARANTINED or REJECTED (held), with each check's result. */
    private List<TimelineEntry> inspectionEntries(List<Row> rows) {
        List<TimelineEntry> entries = new ArrayList<>();
        for (Row r : rows) {
            String event = switch (r.getString("action")) {
                case "QUARANTINE" -> "QUARANTINED";
                case "REJECT" -> "REJECTED";
                default -> "INSPECTED";
            };
            try {
                List<InspectionSummary.Check> checks = events.readValue(r.getString("checks"),
                        new com.fasterxml.jackson.core.type.TypeReference<List<InspectionSummary.Check>>() {
                        });
                List<String> reasons = events.readValue(r.getString("reasons"),
                        new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {
                        });
                entries.add(new TimelineEntry(instant(r, "at"), event, null, r.getInteger("passes"), null,
                        reasons.isEmpty() ? null : String.join("; ", reasons), checks));
            } catch (JsonProcessingException e) {
                entries.add(new TimelineEntry(instant(r, "at"), event, null, null, null, null, null));
            }
        }
        return entries;
    }

    private static MessageTimeline buildTimeline(Row m, List<Row> recipients, List<Row> attempts,
            List<TimelineEntry> inspections) {
        Map<String, List<Attempt>> history = new LinkedHashMap<>();
        List<TimelineEntry> timeline = new ArrayList<>();
        Instant receivedAt = instant(m, "received_at");
        timeline.add(new TimelineEntry(receivedAt, "ACCEPTED", null, null, null, null, null));
        timeline.addAll(inspections);
        for (Row a : attempts) {
            Attempt attempt = new Attempt(a.getInteger("attempt"), a.getString("outcome"), a.getString("remote_host"),
                    a.getString("reply"), instant(a, "next_attempt_at"), instant(a, "at"));
            history.computeIfAbsent(a.getString("recipient"), k -> new ArrayList<>()).add(attempt);
            timeline.add(new TimelineEntry(attempt.at(), attempt.outcome(), a.getString("recipient"), attempt.attempt(),
                    attempt.remoteHost(), attempt.reply(), null));
        }
        timeline.sort(Comparator.comparing(TimelineEntry::at));
        List<RecipientTrack> tracks = recipients.stream()
                .map(r -> new RecipientTrack(r.getString("recipient"), RecipientStatus.valueOf(r.getString("status")),
                        r.getInteger("attempts"), history.getOrDefault(r.getString("recipient"), List.of())))
                .toList();
        return new MessageTimeline(m.getString("queue_id"), m.getUUID("tenant_id"), m.getString("sender"),
                m.getString("direction"), m.getString("client_ip"), m.getLong("size_bytes"), receivedAt, tracks,
                timeline);
    }

    private static List<Row> toList(Iterable<Row> rows) {
        List<Row> out = new ArrayList<>();
        rows.forEach(out::add);
        return out;
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The search filter; null members do not filter. */
    public record MessageQuery(UUID tenantId, String sender, String recipient, Instant from, Instant to,
            RecipientStatus status, String cursor, int limit) {
    }

    /** Keyset position {@code (received_at, queue_id)} of the last row of a page, opaque to clients. */
    record Cursor(Instant receivedAt, String queueId) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((receivedAt + "|" + queueId).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String value) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("cursor is not one this API returned");
            }
        }
    }
}
