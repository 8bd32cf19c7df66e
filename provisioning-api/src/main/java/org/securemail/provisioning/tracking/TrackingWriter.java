package org.securemail.provisioning.tracking;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.InspectionSummary;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.provisioning.suppression.BounceSuppressions;
import org.securemail.provisioning.tracking.TrackingDtos.RecipientStatus;
import org.securemail.provisioning.webhook.WebhookEvents;
import org.securemail.provisioning.webhook.WebhookEvents.NewMessage;

/**
 * Writes the tracking tables, a batch of records at a time (what one Kafka poll returned): one transaction, one
 * pipelined round trip per statement, one commit per batch instead of one per message (issue 15). Writes are
 * idempotent (natural keys, {@code ON CONFLICT}; a recipient's status only moves forward), so a batch written again
 * after a crash converges to the same rows.
 *
 * <p>A record tracking cannot read is counted ({@code provisioning.tracking.skipped}), logged with its position and
 * skipped: a mail topic's dead-letter topic would be replayed as mail, and one bad record must not hold back the
 * others. A failed write (PostgreSQL away) is retried with backoff, holding the channel: the records wait in Kafka,
 * none is lost.
 *
 * <p>Hard bounces of submitted mail go onto the tenant's suppression list in the same transaction
 * ({@link BounceSuppressions}; ADR 0075), once both the bounce and the message's accept record are written, whichever
 * came first. Webhook deliveries of the attempts are queued the same way ({@link WebhookEvents}; ADR 0078), for the
 * attempts and messages each transaction inserted (so a redelivered record queues nothing).
 */
@ApplicationScoped
public class TrackingWriter {

    private static final Logger LOG = Logger.getLogger(TrackingWriter.class);
    /** Checks and reasons kept per inspection row. */
    static final int MAX_CHECKS = 50;

    private static final String INSERT_MESSAGE = "INSERT INTO tracked_message (queue_id, tenant_id, sender, direction,"
            + " client_ip, size_bytes, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (queue_id) DO NOTHING"
            + " RETURNING queue_id";
    private static final String INSERT_RECIPIENT = "INSERT INTO tracked_recipient (queue_id, recipient, status,"
            + " attempts, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (queue_id, recipient) DO NOTHING";
    private static final String INSERT_INSPECTION = "INSERT INTO tracked_inspection (queue_id, action, checks, reasons,"
            + " failed_open, passes, at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (queue_id, action) DO NOTHING";
    private static final String INSERT_ATTEMPT = "INSERT INTO tracked_attempt (queue_id, recipient, attempt, outcome,"
            + " remote_host, reply, next_attempt_at, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            + " ON CONFLICT (queue_id, recipient, attempt, outcome) DO NOTHING"
            + " RETURNING queue_id, recipient, attempt, outcome";
    private static final String UPSERT_RECIPIENT = "INSERT INTO tracked_recipient (queue_id, recipient, status,"
            + " attempts, updated_at) VALUES ($1, $2, $3, $4, $5)"
            + " ON CONFLICT (queue_id, recipient) DO UPDATE SET status = EXCLUDED.status,"
            + " attempts = GREATEST(tracked_recipient.attempts, EXCLUDED.attempts), updated_at = EXCLUDED.updated_at"
            + " WHERE tracked_recipient.status NOT IN ('DELIVERED', 'BOUNCED')"
            + " AND (EXCLUDED.status IN ('DELIVERED', 'BOUNCED') OR EXCLUDED.attempts >= tracked_recipient.attempts)";

    @Inject
    Pool pool;

    @Inject
    ObjectMapper quarkusMapper;

    @Inject
    MeterRegistry registry;

    @Inject
    BounceSuppressions suppressions;

    @Inject
    WebhookEvents webhooks;

    /** What a transaction did beyond the tracking rows: hard bounces listed, webhook deliveries queued. */
    private record Written(BounceSuppressions.Added suppressed, int webhooks) {
    }

    /** Events from other services may gain fields; tracking must not reject them for that. */
    private ObjectMapper events;

    @PostConstruct
    void init() {
        events = quarkusMapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** {@code mail.accepted}: a message row and a QUEUED row per recipient. */
    public Uni<Void> accepted(List<TrackedRecord> records) {
        List<Tuple> messages = new ArrayList<>();
        List<Tuple> recipients = new ArrayList<>();
        List<String> queueIds = new ArrayList<>();
        Map<String, NewMessage> described = new HashMap<>();
        for (TrackedRecord r : records) {
            MailEnvelope env = read(r, r.json(), "mail.accepted", MailEnvelope.class, TrackingWriter::complete);
            if (env != null) {
                queueIds.add(env.queueId());
                addMessage(env, messages, recipients, described);
            }
        }
        // a bounce tracked before its accept record (different topics) is looked at now, and so are the webhook
        // events of attempts tracked before it (ADR 0078)
        return write("mail.accepted", messages.size(), conn -> insertMessages(conn, messages, described)
                .chain(inserted -> batch(conn, INSERT_RECIPIENT, recipients)
                        .chain(() -> suppressions.fromBounces(conn, queueIds))
                        .chain(added -> webhooks.fromNewMessages(conn, inserted).map(n -> new Written(added, n)))))
                .invoke(this::committed).replaceWithVoid();
    }

    /**
     * {@code mail.ready} and {@code mail.quarantine}: the inspection stage's summary (one row per action). A summary
     * of 0 passes is a verdict reached in the session (ADR 0077): that message was never on {@code mail.accepted},
     * so its message and recipient rows are written here, from the record's envelope, in the same transaction.
     */
    public Uni<Void> inspected(List<TrackedRecord> records) {
        List<Tuple> messages = new ArrayList<>();
        List<Tuple> recipients = new ArrayList<>();
        List<Tuple> rows = new ArrayList<>();
        Map<String, NewMessage> described = new HashMap<>();
        for (TrackedRecord r : records) {
            InspectionSummary s = read(r, r.json(), "inspection", InspectionSummary.class,
                    x -> r.key() != null && x.action() != null && x.at() != null);
            if (s == null) {
                continue;
            }
            if (s.passes() == 0) {
                MailEnvelope env = read(r, r.envelope(), "inspection", MailEnvelope.class,
                        e -> complete(e) && e.queueId().equals(r.key()));
                if (env == null) {
                    continue;
                }
                addMessage(env, messages, recipients, described);
            }
            try {
                rows.add(Tuple.from(new Object[] {r.key(), s.action(),
                        events.writeValueAsString(s.checks().stream().limit(MAX_CHECKS).toList()),
                        events.writeValueAsString(s.reasons().stream().limit(MAX_CHECKS).toList()),
                        events.writeValueAsString(s.failedOpen()), s.passes(), utc(s.at())}));
            } catch (JsonProcessingException e) {
                skip("inspection", r, e);
            }
        }
        return write("inspection", rows.size(), conn -> insertMessages(conn, messages, described)
                .chain(inserted -> batch(conn, INSERT_RECIPIENT, recipients)
                        .chain(() -> batch(conn, INSERT_INSPECTION, rows))
                        .chain(() -> webhooks.fromNewMessages(conn, inserted))
                        .map(n -> new Written(BounceSuppressions.Added.NONE, n))))
                .invoke(this::committed).replaceWithVoid();
    }

    private static boolean complete(MailEnvelope e) {
        return e.queueId() != null && !e.queueId().isBlank() && e.receivedAt() != null;
    }

    private static void addMessage(MailEnvelope env, List<Tuple> messages, List<Tuple> recipients,
            Map<String, NewMessage> described) {
        OffsetDateTime at = utc(env.receivedAt());
        UUID tenant = parseTenant(env.tenantId());
        String sender = env.sender() == null ? "" : env.sender();
        String direction = env.direction() == null ? null : env.direction().name();
        messages.add(Tuple.from(new Object[] {env.queueId(), tenant, sender, direction, env.clientIp(), env.size(), at}));
        described.putIfAbsent(env.queueId(), new NewMessage(env.queueId(), tenant, sender, direction));
        for (String rcpt : env.recipients()) {
            recipients.add(Tuple.of(env.queueId(), rcpt, RecipientStatus.QUEUED.name(), 0, at));
        }
    }

    /** {@code delivery.events}: an attempt row each, and the recipient's status moved forward (in event order). */
    public Uni<Void> delivery(List<TrackedRecord> records) {
        List<Tuple> attempts = new ArrayList<>();
        List<Tuple> recipients = new ArrayList<>();
        List<String> bounced = new ArrayList<>();
        Map<String, DeliveryEvent> byAttempt = new HashMap<>();
        for (TrackedRecord r : records) {
            DeliveryEvent e = read(r, r.json(), "delivery.events", DeliveryEvent.class,
                    x -> x.queueId() != null && x.recipient() != null && x.outcome() != null && x.at() != null);
            if (e == null) {
                continue;
            }
            OffsetDateTime at = utc(e.at());
            String status = e.outcome().name();
            if (e.outcome() == Outcome.BOUNCED) {
                bounced.add(e.queueId());
            }
            attempts.add(Tuple.from(new Object[] {e.queueId(), e.recipient(), e.attempt(), status, e.remoteHost(),
                    e.reply(), e.nextAttemptAt() == null ? null : utc(e.nextAttemptAt()), at}));
            recipients.add(Tuple.of(e.queueId(), e.recipient(), status, e.attempt(), at));
            byAttempt.putIfAbsent(attemptKey(e.queueId(), e.recipient(), e.attempt(), status), e);
        }
        // the attempts new to the table (a redelivered event inserts nothing) are what webhooks report
        return write("delivery.events", attempts.size(), conn -> conn.preparedQuery(INSERT_ATTEMPT)
                .executeBatch(attempts).map(rows -> {
                    List<DeliveryEvent> inserted = new ArrayList<>();
                    for (RowSet<Row> set = rows; set != null; set = set.next()) {
                        for (Row row : set) {
                            inserted.add(byAttempt.get(attemptKey(row.getString("queue_id"), row.getString("recipient"),
                                    row.getInteger("attempt"), row.getString("outcome"))));
                        }
                    }
                    return inserted;
                })
                .chain(inserted -> batch(conn, UPSERT_RECIPIENT, recipients)
                        .chain(() -> suppressions.fromBounces(conn, bounced))
                        .chain(added -> webhooks.fromDeliveries(conn, inserted).map(n -> new Written(added, n)))))
                .invoke(this::committed).replaceWithVoid();
    }

    private static String attemptKey(String queueId, String recipient, int attempt, String outcome) {
        return queueId + '\u0000' + recipient + '\u0000' + attempt + '\u0000' + outcome;
    }

    /** Inserts the message rows; returns those new to the table, as webhooks need them. */
    private static Uni<List<NewMessage>> insertMessages(SqlConnection conn, List<Tuple> messages,
            Map<String, NewMessage> described) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return conn.preparedQuery(INSERT_MESSAGE).executeBatch(messages).map(rows -> {
            List<NewMessage> inserted = new ArrayList<>();
            for (RowSet<Row> set = rows; set != null; set = set.next()) {
                for (Row row : set) {
                    inserted.add(described.get(row.getString("queue_id")));
                }
            }
            return inserted;
        });
    }

    private void committed(Written written) {
        if (written != null) {
            suppressions.committed(written.suppressed());
            webhooks.committed(written.webhooks());
        }
    }

    private <T> T read(TrackedRecord r, String json, String source, Class<T> type, Predicate<T> complete) {
        if (json == null) {
            skip(source, r, new IllegalArgumentException("no " + source + " data on the record"));
            return null;
        }
        try {
            T value = events.readValue(json, type);
            if (value == null || !complete.test(value)) {
                skip(source, r, new IllegalArgumentException("required fields missing"));
                return null;
            }
            return value;
        } catch (JsonProcessingException | RuntimeException e) {
            skip(source, r, e);
            return null;
        }
    }

    private void skip(String source, TrackedRecord r, Exception why) {
        registry.counter("provisioning.tracking.skipped", "source", source).increment();
        LOG.warnf("tracking skips the %s record %s (key %s): %s", source, r.position(), r.key(), why.getMessage());
    }

    private static Uni<Void> batch(SqlConnection conn, String sql, List<Tuple> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : conn.preparedQuery(sql).executeBatch(rows).replaceWithVoid();
    }

    /** One transaction for the batch; retried with backoff while PostgreSQL fails, so the records wait in Kafka. */
    private <T> Uni<T> write(String source, int rows, Function<SqlConnection, Uni<T>> statements) {
        if (rows == 0) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().<T>deferred(() -> pool.withTransaction(statements))
                .onFailure().invoke(e -> LOG.warnf("tracking could not write %d %s rows, retrying: %s", rows, source,
                        e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(30)).indefinitely()
                .invoke(() -> registry.counter("provisioning.tracking.events", "source", source).increment(rows));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** An envelope whose tenant id is not a UUID is tracked without a tenant (operators still see it). */
    private static UUID parseTenant(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(tenantId);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
