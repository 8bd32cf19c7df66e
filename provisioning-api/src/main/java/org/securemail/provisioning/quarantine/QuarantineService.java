package org.securemail.provisioning.quarantine;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.observe.MessageLog;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.error.ProblemType;
import org.securemail.provisioning.quarantine.QuarantineDtos.QuarantinedMessage;
import org.securemail.provisioning.webhook.WebhookEvents;

/**
 * Quarantined mail: the index fed from {@code mail.quarantine}, and the tenant's decisions on it. Every query filters
 * on the caller's tenant in SQL (a tenant key sees only its own; another tenant's id is 404, never 403, so ids do not
 * leak). A release claims the row (HELD → RELEASING in one conditional update, so two releases at once cannot both
 * write) and then writes the message to {@code mail.ready}. Releases are at least once (ADR 0073): only a write that
 * certainly did not happen puts the row back to HELD; after a crash or a write whose outcome is unknown the row stays
 * RELEASING and {@link QuarantineSweeper} writes it again.
 */
@ApplicationScoped
public class QuarantineService {

    private static final Logger LOG = Logger.getLogger(QuarantineService.class);
    private static final MessageLog MAIL = MessageLog.of(QuarantineService.class);
    private static final int MAX_RECIPIENTS = 1000;
    private static final int MAX_REASONS = 50;
    /** Retry-After of a 503: a release refused now may well go through a few seconds later. */
    private static final Duration RETRY_SOON = Duration.ofSeconds(5);
    /** A RELEASING row whose claim is at least $1 milliseconds old (the database's clock on both sides). */
    private static final String DUE = "release_claimed_at < now() - $1::bigint * interval '1 millisecond'";
    private static final String COLUMNS = "id, queue_id, tenant_id, sender, recipients, action, reasons, size_bytes,"
            + " held_at, state, state_changed_at";

    @Inject
    Pool pool;

    @Inject
    ObjectMapper quarkusMapper;

    @Inject
    QuarantinedRecords records;

    @Inject
    MeterRegistry registry;

    @Inject
    WebhookEvents webhooks;

    private ObjectMapper json;
    /** Releases in progress: each holds a worker thread and up to one 25 MiB record. */
    private final Semaphore releasing = new Semaphore(4);

    @PostConstruct
    void init() {
        json = quarkusMapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    // ---- input ---------------------------------------------------------------------------------------------

    /** Indexes one record of {@code mail.quarantine}; a replay of the same record changes nothing. */
    public Uni<Void> held(String key, int partition, long offset, String envelopeJson, String verdictJson, int size) {
        MailEnvelope env;
        String action;
        List<String> reasons = new ArrayList<>();
        try {
            if (envelopeJson == null) {
                throw new IllegalArgumentException("mail.quarantine record " + key + " has no sm-envelope header");
            }
            env = json.readValue(envelopeJson, MailEnvelope.class);
            JsonNode verdict = verdictJson == null ? null : json.readTree(verdictJson);
            action = verdict == null || !verdict.hasNonNull("action") ? "QUARANTINE" : verdict.get("action").asText();
            if (verdict != null && verdict.has("reasons")) {
                verdict.get("reasons").forEach(r -> {
                    if (reasons.size() < MAX_REASONS) {
                        reasons.add(cut(r.asText(), 500));
                    }
                });
            }
            if (env.queueId() == null || env.queueId().isBlank()) {
                throw new IllegalArgumentException("envelope of " + key + " lacks its queue id");
            }
        } catch (Exception e) {
            // counted and skipped: a dead-letter copy would carry no body (the consumer discards it), and one
            // unreadable record must not hold back the held mail behind it
            registry.counter("provisioning.quarantine.skipped").increment();
            LOG.warnf("quarantine skips the unreadable mail.quarantine record %s (partition %d, offset %d): %s", key,
                    partition, offset, e.getMessage());
            return Uni.createFrom().voidItem();
        }
        List<String> recipients = env.recipients().stream().limit(MAX_RECIPIENTS).toList();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime at = env.receivedAt() == null ? now : env.receivedAt().atOffset(ZoneOffset.UTC);
        UUID id = UUID.randomUUID();
        UUID tenant = tenant(env.tenantId());
        String queueId = cut(env.queueId(), 64);
        String sender = cut(env.sender() == null ? "" : env.sender(), 512);
        String kept = cut(action, 16);
        // the first indexing of a record also queues its message.quarantined webhooks, in the same transaction
        return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO quarantined_message (" + COLUMNS
                                + ", kafka_partition, kafka_offset) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
                                + " $12, $13) ON CONFLICT (kafka_partition, kafka_offset) DO NOTHING RETURNING id")
                        .execute(Tuple.from(new Object[] {id, queueId, tenant, sender, write(recipients), kept,
                                write(reasons), (long) size, at, QuarantineState.HELD.name(), now, partition, offset}))
                        .chain(rows -> rows.size() == 0 || tenant == null ? Uni.createFrom().item(0)
                                : webhooks.quarantined(conn, tenant, id, queueId, sender, recipients, kept, reasons,
                                        at.toInstant(), partition, offset)))
                .onFailure().invoke(e -> MAIL.warn(key, "held mail %s (partition %d, offset %d) not indexed yet,"
                        + " retrying: %s", key, partition, offset, e.toString()))
                // PostgreSQL away: the channel waits and the record stays in Kafka; held mail is never left unindexed
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(30)).indefinitely()
                .invoke(webhooks::committed)
                .invoke(() -> registry.counter("provisioning.quarantine.held", "action", action).increment())
                .replaceWithVoid();
    }

    // ---- queries and decisions -----------------------------------------------------------------------------

    public Uni<Page<QuarantinedMessage>> list(Caller caller, UUID tenantId, QuarantineState state, PageRequest page) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM quarantined_message WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        scope(caller, tenantId, sql, args);
        if (state != null) {
            args.add(state.name());
            sql.append(" AND state = $").append(args.size());
        }
        if (page.after() != null) {
            args.add(page.after());
            sql.append(" AND id > $").append(args.size());
        }
        args.add(page.fetch());
        sql.append(" ORDER BY id LIMIT $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            return Page.of(list, page.limit(), this::view, r -> r.getUUID("id").toString());
        });
    }

    public Uni<QuarantinedMessage> get(Caller caller, UUID id) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM quarantined_message WHERE id = $1");
        List<Object> args = new ArrayList<>(List.of(id));
        scope(caller, null, sql, args);
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiProblem.notFound("quarantined message", id);
            }
            return view(rows.iterator().next());
        });
    }

    /** Deletes a held message: it is never released. 409 unless it is HELD. */
    public Uni<QuarantinedMessage> delete(Caller caller, UUID id) {
        return transition(caller, id, QuarantineState.HELD, QuarantineState.DELETED).map(this::view)
                .invoke(m -> registry.counter("provisioning.quarantine.decisions", "decision", "delete").increment());
    }

    /**
     * Releases a held message to {@code mail.ready}: 404 when the caller may not see it, 409 unless it is HELD, 410
     * when its record has left {@code mail.quarantine}. The answer is the message RELEASED once the broker acknowledged
     * it, or still RELEASING when the write's outcome is unknown (the sweeper writes it again, ADR 0073). A write that
     * certainly did not happen puts it back to HELD and fails with 503.
     */
    public Uni<QuarantinedMessage> release(Caller caller, UUID id) {
        if (!releasing.tryAcquire()) {
            return Uni.createFrom().failure(ApiProblem.unavailable("too many releases at once; try again", RETRY_SOON));
        }
        return Uni.createFrom().deferred(() -> transition(caller, id, QuarantineState.HELD, QuarantineState.RELEASING))
                .chain(row -> attempt(row).chain(outcome -> released(caller, row, outcome)))
                .onTermination().invoke(releasing::release);
    }

    private Uni<QuarantinedMessage> released(Caller caller, Row row, ReleaseOutcome outcome) {
        UUID id = row.getUUID("id");
        return switch (outcome) {
            case WRITTEN -> settle(id, QuarantineState.RELEASED).chain(() -> get(caller, id)).invoke(m -> {
                registry.counter("provisioning.quarantine.decisions", "decision", "release").increment();
                MAIL.info(row.getString("queue_id"), "%s: released from quarantine to mail.ready (%s, by key %s)",
                        row.getString("queue_id"), id, caller.keyId());
            });
            case GONE -> settle(id, QuarantineState.EXPIRED).chain(() -> Uni.createFrom().failure(new ApiProblem(
                    ProblemType.GONE, "the message has left mail.quarantine (past its retention)")));
            case NOT_WRITTEN -> {
                failures(outcome).increment();
                yield settle(id, QuarantineState.HELD).chain(() -> Uni.createFrom().failure(ApiProblem.unavailable(
                        "mail.ready did not take the message; it is still HELD: try again", RETRY_SOON)));
            }
            case UNKNOWN -> {
                failures(outcome).increment();
                MAIL.warn(row.getString("queue_id"), "release of %s (%s) has an unknown outcome: it stays RELEASING"
                        + " and is written again after provisioning.quarantine.release-retry-after", id,
                        row.getString("queue_id"));
                yield get(caller, id);
            }
        };
    }

    /**
     * Claims the RELEASING row whose claim is oldest and at least {@code retryAfter} old, and writes it again; empty
     * when no row is due. The claim is one statement: a row a peer replica is claiming is skipped, not waited for
     * ({@code FOR UPDATE SKIP LOCKED}), and a claimed row is not due again before {@code retryAfter}, so two sweeps
     * never write the same row at once. A row not written stays RELEASING: an earlier attempt may have written it, so
     * it never goes back to HELD.
     */
    Uni<Optional<ReleaseOutcome>> redriveNext(Duration retryAfter) {
        return pool.preparedQuery("UPDATE quarantined_message SET release_claimed_at = now(),"
                        + " release_attempts = release_attempts + 1"
                        + " WHERE id = (SELECT id FROM quarantined_message WHERE state = 'RELEASING' AND " + DUE
                        + " ORDER BY release_claimed_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
                        + " RETURNING id, queue_id, kafka_partition, kafka_offset, release_attempts")
                .execute(Tuple.of(retryAfter.toMillis())).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.empty());
                    }
                    Row row = rows.iterator().next();
                    UUID id = row.getUUID("id");
                    return attempt(row).call(outcome -> switch (outcome) {
                        case WRITTEN -> settle(id, QuarantineState.RELEASED);
                        case GONE -> settle(id, QuarantineState.EXPIRED);
                        case NOT_WRITTEN, UNKNOWN -> {
                            MAIL.warn(row.getString("queue_id"), "release of %s (%s), attempt %d, not confirmed (%s):"
                                    + " tried again after %s", id, row.getString("queue_id"), row.getInteger("release_attempts"), outcome, retryAfter);
                            yield Uni.createFrom().voidItem();
                        }
                    }).map(Optional::of);
                });
    }

    /** RELEASING rows whose claim is at least {@code retryAfter} old: releases the sweeper has not finished. */
    Uni<Long> countDue(Duration retryAfter) {
        return pool.preparedQuery("SELECT count(*) AS due FROM quarantined_message WHERE state = 'RELEASING' AND " + DUE)
                .execute(Tuple.of(retryAfter.toMillis())).map(rows -> rows.iterator().next().getLong("due"));
    }

    /** Reads the claimed row's record and writes it to mail.ready, on a worker thread. */
    private Uni<ReleaseOutcome> attempt(Row claimed) {
        int partition = claimed.getInteger("kafka_partition");
        long offset = claimed.getLong("kafka_offset");
        return Uni.createFrom().item(() -> records.release(partition, offset))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().recoverWithItem(e -> {
                    // not expected (the port reports outcomes, it does not throw): nothing says the write did not happen
                    LOG.errorf(e, "release of mail.quarantine-%d@%d failed unexpectedly", partition, offset);
                    return ReleaseOutcome.UNKNOWN;
                });
    }

    private Counter failures(ReleaseOutcome outcome) {
        return registry.counter("provisioning.quarantine.release.failures", "outcome",
                outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /**
     * from → to for a row the caller may see; 404 when it may not, 409 when the row is in another state. Moving to
     * RELEASING claims the row: its claim time is the database's clock, which the sweeper compares with.
     */
    private Uni<Row> transition(Caller caller, UUID id, QuarantineState from, QuarantineState to) {
        StringBuilder sql = new StringBuilder("UPDATE quarantined_message SET state = $1, state_changed_at = $2");
        if (to == QuarantineState.RELEASING) {
            sql.append(", release_claimed_at = now(), release_attempts = release_attempts + 1");
        }
        sql.append(" WHERE id = $3 AND state = $4");
        List<Object> args = new ArrayList<>(List.of(to.name(), OffsetDateTime.now(ZoneOffset.UTC), id, from.name()));
        scope(caller, null, sql, args);
        sql.append(" RETURNING ").append(COLUMNS).append(", kafka_partition, kafka_offset");
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).chain(rows -> {
            if (rows.size() == 1) {
                return Uni.createFrom().item(rows.iterator().next());
            }
            return get(caller, id).map(current -> {
                throw ApiProblem.conflict("the message is " + current.state() + ", not " + from
                        + (current.state() == QuarantineState.RELEASING
                                ? ": its release is under way and will be completed" : ""));
            });
        });
    }

    /** The end of a release attempt: RELEASING → {@code state}; a row no longer RELEASING is left as it is. */
    private Uni<Void> settle(UUID id, QuarantineState state) {
        return pool.preparedQuery("UPDATE quarantined_message SET state = $1, state_changed_at = $2"
                        + " WHERE id = $3 AND state = 'RELEASING'")
                .execute(Tuple.of(state.name(), OffsetDateTime.now(ZoneOffset.UTC), id)).replaceWithVoid();
    }

    private static void scope(Caller caller, UUID requestedTenant, StringBuilder sql, List<Object> args) {
        if (!caller.operator() && requestedTenant != null && !requestedTenant.equals(caller.tenantId())) {
            throw ApiProblem.forbidden("a tenant key may only list its own tenant's quarantine");
        }
        UUID tenant = caller.operator() ? requestedTenant : caller.tenantId();
        if (tenant != null) {
            args.add(tenant);
            sql.append(" AND tenant_id = $").append(args.size());
        }
    }

    private QuarantinedMessage view(Row r) {
        return new QuarantinedMessage(r.getUUID("id"), r.getString("queue_id"), r.getUUID("tenant_id"),
                r.getString("sender"), read(r.getString("recipients")), r.getString("action"),
                read(r.getString("reasons")), r.getLong("size_bytes"), instant(r, "held_at"),
                QuarantineState.valueOf(r.getString("state")), instant(r, "state_changed_at"));
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    private List<String> read(String text) {
        try {
            return json.readValue(text, new TypeReference<List<String>>() {
            });
        } catch (Exception e) {
            return List.of();
        }
    }

    private String write(List<String> values) {
        try {
            return json.writeValueAsString(values);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID tenant(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
