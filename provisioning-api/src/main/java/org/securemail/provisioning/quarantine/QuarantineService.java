package org.securemail.provisioning.quarantine;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.error.ProblemType;
import org.securemail.provisioning.quarantine.QuarantineDtos.QuarantinedMessage;

/**
 * Quarantined mail: the index fed from {@code mail.quarantine}, and the tenant's decisions on it. Every query filters
 * on the caller's tenant in SQL (a tenant key sees only its own; another tenant's id is 404, never 403, so ids do not
 * leak). A release writes the message to {@code mail.ready} once: the row moves HELD → RELEASING in one conditional
 * update before the write, so two releases at once cannot both write; a failed write puts it back to HELD.
 */
@ApplicationScoped
public class QuarantineService {

    private static final Logger LOG = Logger.getLogger(QuarantineService.class);
    private static final int MAX_RECIPIENTS = 1000;
    private static final int MAX_REASONS = 50;
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

    private ObjectMapper json;
    /** Releases in progress: each holds a worker thread and up to one 25 MiB record. */
    private final java.util.concurrent.Semaphore releasing = new java.util.concurrent.Semaphore(4);

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
            return Uni.createFrom().failure(new IllegalArgumentException("unreadable mail.quarantine record " + key, e));
        }
        List<String> recipients = env.recipients().stream().limit(MAX_RECIPIENTS).toList();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime at = env.receivedAt() == null ? now : env.receivedAt().atOffset(ZoneOffset.UTC);
        return pool.preparedQuery("INSERT INTO quarantined_message (" + COLUMNS + ", kafka_partition, kafka_offset)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                        + " ON CONFLICT (kafka_partition, kafka_offset) DO NOTHING")
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), cut(env.queueId(), 64), tenant(env.tenantId()),
                        cut(env.sender() == null ? "" : env.sender(), 512), write(recipients), cut(action, 16),
                        write(reasons), (long) size, at, QuarantineState.HELD.name(), now, partition, offset}))
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
        return transition(caller, id, QuarantineState.HELD, QuarantineState.DELETED)
                .invoke(m -> registry.counter("provisioning.quarantine.decisions", "decision", "delete").increment());
    }

    /** Releases a held message to {@code mail.ready}. 409 unless it is HELD; 410 when the record has expired. */
    public Uni<QuarantinedMessage> release(Caller caller, UUID id) {
        return transition(caller, id, QuarantineState.HELD, QuarantineState.RELEASING)
                .chain(claimed -> pool.preparedQuery(
                                "SELECT kafka_partition, kafka_offset FROM quarantined_message WHERE id = $1")
                        .execute(Tuple.of(id)).map(rows -> rows.iterator().next()))
                .chain(row -> write(row.getInteger("kafka_partition"), row.getLong("kafka_offset"))
                        .onFailure().call(e -> setState(id, QuarantineState.HELD)))
                .chain(found -> setState(id, found ? QuarantineState.RELEASED : QuarantineState.EXPIRED)
                        .chain(() -> found ? get(caller, id) : Uni.createFrom().failure(new ApiProblem(
                                ProblemType.GONE, "the message has left mail.quarantine (past its retention)"))))
                .invoke(m -> registry.counter("provisioning.quarantine.decisions", "decision", "release").increment());
    }

    /** Reads the record and writes it to mail.ready, on a worker thread; false when the record is gone. */
    private Uni<Boolean> write(int partition, long offset) {
        if (!releasing.tryAcquire()) {
            return Uni.createFrom().failure(new ApiProblem(ProblemType.UNAVAILABLE,
                    "too many releases at once; try again"));
        }
        return Uni.createFrom().item(() -> {
            var held = records.read(partition, offset);
            if (held.isEmpty()) {
                return false;
            }
            try {
                records.release(held.get());
            } catch (Exception e) {
                throw new IllegalStateException("mail.ready did not acknowledge the release", e);
            }
            return true;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onTermination().invoke(releasing::release)
                .onFailure(e -> !(e instanceof ApiProblem)).transform(e -> {
                    LOG.warnf(e, "release of mail.quarantine-%d@%d failed", partition, offset);
                    return new ApiProblem(ProblemType.UNAVAILABLE, "the message could not be released now; try again");
                });
    }

    /** from → to for a row the caller may see; 404 when it may not, 409 when the row is in another state. */
    private Uni<QuarantinedMessage> transition(Caller caller, UUID id, QuarantineState from, QuarantineState to) {
        StringBuilder sql = new StringBuilder("UPDATE quarantined_message SET state = $1, state_changed_at = $2"
                + " WHERE id = $3 AND state = $4");
        List<Object> args = new ArrayList<>(List.of(to.name(), OffsetDateTime.now(ZoneOffset.UTC), id, from.name()));
        scope(caller, null, sql, args);
        sql.append(" RETURNING ").append(COLUMNS);
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).chain(rows -> {
            if (rows.size() == 1) {
                return Uni.createFrom().item(view(rows.iterator().next()));
            }
            return get(caller, id).map(current -> {
                throw ApiProblem.conflict("the message is " + current.state() + ", not " + from);
            });
        });
    }

    private Uni<Void> setState(UUID id, QuarantineState state) {
        return pool.preparedQuery("UPDATE quarantined_message SET state = $1, state_changed_at = $2 WHERE id = $3")
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
