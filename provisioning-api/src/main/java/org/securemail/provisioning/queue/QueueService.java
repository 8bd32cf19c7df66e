package org.securemail.provisioning.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.mail.DomainNames;
import org.securemail.common.queue.OperatorAction;
import org.securemail.common.queue.QueueCommand;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.outbox.Outbox;
import org.securemail.provisioning.queue.QueueDtos.ActionView;
import org.securemail.provisioning.queue.QueueDtos.QueuedRecipient;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Queue operations (ADR 0084): what waits, read from the tracking tables the API already keeps from
 * {@code delivery.events}; and the operators' commands, each one a row of {@code operator_action} and, in the same
 * transaction, outbox records for {@code delivery.control} (what every delivery replica obeys) and
 * {@code operator.actions} (the audit trail).
 */
@ApplicationScoped
public class QueueService {

    /** Queue ids as ingest and delivery make them; anything else names no message. */
    static final Pattern QUEUE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Inject
    Pool pool;

    @Inject
    Outbox outbox;

    /** The principal recorded for an operator: the API key's id, or {@code bootstrap} for the configured key. */
    static String principal(Caller caller) {
        return caller.keyId() == null ? "bootstrap" : "api-key:" + caller.keyId();
    }

    // ---- what waits ------------------------------------------------------------------------------------------

    /**
     * Recipients that are deferred, or held before their first attempt, oldest queue id first; each with the reason
     * and next hop of its last attempt.
     */
    public Uni<Page<QueuedRecipient>> waiting(String domain, String nextHop, UUID tenantId, int limit, String cursor) {
        StringBuilder sql = new StringBuilder("SELECT r.queue_id, r.recipient, r.attempts, m.tenant_id, m.sender,"
                + " m.received_at, a.reply, a.remote_host, a.next_attempt_at, a.at AS last_at, h.action AS control"
                + " FROM tracked_recipient r"
                + " LEFT JOIN tracked_message m ON m.queue_id = r.queue_id"
                + " LEFT JOIN LATERAL (SELECT t.reply, t.remote_host, t.next_attempt_at, t.at FROM tracked_attempt t"
                + "   WHERE t.queue_id = r.queue_id AND t.recipient = r.recipient ORDER BY t.at DESC, t.attempt DESC"
                + "   LIMIT 1) a ON true"
                + " LEFT JOIN LATERAL (SELECT o.action FROM operator_action o WHERE o.target = r.queue_id"
                + "   AND o.action IN ('HOLD', 'RELEASE', 'DELETE') ORDER BY o.at DESC LIMIT 1) h ON true"
                + " WHERE (r.status = 'DEFERRED' OR (r.status = 'QUEUED' AND h.action = 'HOLD'))");
        List<Object> args = new ArrayList<>();
        if (domain != null) {
            args.add(domain);
            sql.append(" AND lower(substring(r.recipient from '@([^@]*)$')) = $").append(args.size());
        }
        if (nextHop != null) {
            args.add(nextHop);
            sql.append(" AND lower(split_part(a.remote_host, '[', 1)) = $").append(args.size());
        }
        if (tenantId != null) {
            args.add(tenantId);
            sql.append(" AND m.tenant_id = $").append(args.size());
        }
        if (cursor != null) {
            String[] position = decode(cursor);
            args.add(position[0]);
            args.add(position[1]);
            sql.append(" AND (r.queue_id, r.recipient) > ($").append(args.size() - 1).append(", $")
                    .append(args.size()).append(')');
        }
        args.add(limit + 1);
        sql.append(" ORDER BY r.queue_id, r.recipient LIMIT $").append(args.size());
        Instant now = Instant.now();
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            return Page.of(list, limit, r -> view(r, now),
                    r -> encode(r.getString("queue_id"), r.getString("recipient")));
        });
    }

    private static QueuedRecipient view(Row r, Instant now) {
        String recipient = r.getString("recipient");
        Instant received = instant(r, "received_at");
        String remote = r.getString("remote_host");
        int bracket = remote == null ? -1 : remote.indexOf('[');
        return new QueuedRecipient(r.getString("queue_id"), recipient,
                DomainNames.canonical(recipient.substring(recipient.lastIndexOf('@') + 1)), r.getUUID("tenant_id"),
                r.getString("sender"), received, received == null ? null : Duration.between(received, now).toSeconds(),
                r.getInteger("attempts"), r.getString("reply"), bracket < 0 ? remote : remote.substring(0, bracket),
                instant(r, "last_at"), instant(r, "next_attempt_at"), "HOLD".equals(r.getString("control")));
    }

    // ---- commands --------------------------------------------------------------------------------------------

    public Uni<ActionView> retryDestination(Caller caller, String domainInput, String reason) {
        String domain = domain(domainInput, "domain");
        return command(caller, OperatorAction.Action.RETRY_DESTINATION, QueueCommand.Kind.RETRY_DESTINATION, domain,
                reason, null);
    }

    /** 409 when already held or deleted, or when no recipient of it is still waiting. */
    public Uni<ActionView> hold(Caller caller, String queueId, String reason) {
        String id = queueId(queueId);
        return pendingMessage(id).chain(() -> lastControl(id)).chain(last -> {
            if ("HOLD".equals(last) || "DELETE".equals(last)) {
                return Uni.createFrom().failure(ApiProblem.conflict("message " + id + " is already "
                        + ("HOLD".equals(last) ? "held" : "deleted")));
            }
            return command(caller, OperatorAction.Action.HOLD, QueueCommand.Kind.HOLD, id, reason, null);
        });
    }

    /** 409 unless held. */
    public Uni<ActionView> release(Caller caller, String queueId, String reason) {
        String id = queueId(queueId);
        return knownMessage(id).chain(() -> lastControl(id)).chain(last -> {
            if (!"HOLD".equals(last)) {
                return Uni.createFrom().failure(ApiProblem.conflict("message " + id + " is not held"));
            }
            return command(caller, OperatorAction.Action.RELEASE, QueueCommand.Kind.RELEASE, id, reason, null);
        });
    }

    /** 409 when already deleted, or when no recipient of it is still waiting. */
    public Uni<ActionView> delete(Caller caller, String queueId, String reason) {
        String id = queueId(queueId);
        return pendingMessage(id).chain(() -> lastControl(id)).chain(last -> {
            if ("DELETE".equals(last)) {
                return Uni.createFrom().failure(ApiProblem.conflict("message " + id + " is already deleted"));
            }
            return command(caller, OperatorAction.Action.DELETE, QueueCommand.Kind.DELETE, id, reason,
                    "pending recipients bounce with 550 5.7.1 (DSN to an authenticated sender)");
        });
    }

    /** Records an action that sends no command (a replay), as {@link #command} does for the others. */
    Uni<ActionView> record(Caller caller, OperatorAction.Action action, String target, String reason, String detail) {
        OperatorAction event = new OperatorAction(UUID.randomUUID().toString(), Instant.now(), principal(caller),
                action, target, reason, detail);
        return outbox.transaction(() -> persist(event).chain(() -> outbox.operatorAction(event)))
                .map(v -> ActionView.of(OperatorActionRow.of(event)));
    }

    private Uni<ActionView> command(Caller caller, OperatorAction.Action action, QueueCommand.Kind kind, String target,
            String reason, String detail) {
        OperatorAction event = new OperatorAction(UUID.randomUUID().toString(), Instant.now(), principal(caller),
                action, target, reason, detail);
        QueueCommand command = new QueueCommand(kind, target, reason, event.operator(), event.at(), event.id());
        return outbox.transaction(() -> persist(event).chain(() -> outbox.queueCommand(command))
                        .chain(() -> outbox.operatorAction(event)))
                .map(v -> ActionView.of(OperatorActionRow.of(event)));
    }

    private static Uni<Void> persist(OperatorAction event) {
        return Panache.getSession().chain(s -> s.persist(OperatorActionRow.of(event))).replaceWithVoid();
    }

    /** True when a replay of {@code target} is already recorded. */
    Uni<Boolean> replayed(String target) {
        return pool.preparedQuery("SELECT 1 FROM operator_action WHERE target = $1 AND action = 'REPLAY_DEAD_LETTER'")
                .execute(Tuple.of(target)).map(rows -> rows.size() > 0);
    }

    private Uni<Void> knownMessage(String id) {
        return pool.preparedQuery("SELECT 1 FROM tracked_message WHERE queue_id = $1").execute(Tuple.of(id))
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().failure(ApiProblem.notFound("message", id))
                        : Uni.createFrom().voidItem());
    }

    private Uni<Void> pendingMessage(String id) {
        return knownMessage(id).chain(() -> pool.preparedQuery("SELECT 1 FROM tracked_recipient WHERE queue_id = $1"
                        + " AND status IN ('QUEUED', 'DEFERRED') LIMIT 1").execute(Tuple.of(id)))
                .chain(rows -> rows.size() == 0
                        ? Uni.createFrom().failure(ApiProblem.conflict("message " + id + " has no recipient waiting:"
                                + " each one was delivered or bounced"))
                        : Uni.createFrom().voidItem());
    }

    /** HOLD, RELEASE, DELETE: the latest of these actions on the message, or null. */
    private Uni<String> lastControl(String id) {
        return pool.preparedQuery("SELECT action FROM operator_action WHERE target = $1"
                        + " AND action IN ('HOLD', 'RELEASE', 'DELETE') ORDER BY at DESC LIMIT 1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("action"));
    }

    // ---- the audit trail -------------------------------------------------------------------------------------

    /** Newest first; {@code target} filters on a domain, queue id or dead-letter position. */
    public Uni<Page<ActionView>> actions(String target, int limit, String cursor) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, at, operator, action, target, reason, detail FROM operator_action WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (target != null) {
            args.add(target);
            sql.append(" AND target = $").append(args.size());
        }
        if (cursor != null) {
            String[] position = decode(cursor);
            Instant at;
            UUID id;
            try {
                at = Instant.parse(position[0]);
                id = UUID.fromString(position[1]);
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("cursor is not one this API returned");
            }
            args.add(at.atOffset(ZoneOffset.UTC));
            args.add(id);
            sql.append(" AND (at, id) < ($").append(args.size() - 1).append(", $").append(args.size()).append(')');
        }
        args.add(limit + 1);
        sql.append(" ORDER BY at DESC, id DESC LIMIT $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            return Page.of(list, limit,
                    r -> new ActionView(r.getUUID("id"), instant(r, "at"), r.getString("operator"),
                            OperatorAction.Action.valueOf(r.getString("action")), r.getString("target"),
                            r.getString("reason"), r.getString("detail")),
                    r -> encode(instant(r, "at").toString(), r.getUUID("id").toString()));
        });
    }

    // ---- input -----------------------------------------------------------------------------------------------

    static String domain(String input, String what) {
        if (input == null || input.length() > 255) {
            throw ApiProblem.badRequest(what + " must be a domain name");
        }
        return DomainNames.normalise(input).orElseThrow(() -> ApiProblem.badRequest(what + " must be a domain name"));
    }

    static String queueId(String input) {
        if (input == null || !QUEUE_ID.matcher(input).matches()) {
            throw ApiProblem.badRequest("a queue id is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return input;
    }

    private static String encode(String a, String b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((a + "\n" + b).getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor) {
        if (cursor.length() > 1200) {
            throw ApiProblem.badRequest("cursor is not one this API returned");
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            if (nl < 0 || text.length() > 800) {
                throw new IllegalArgumentException();
            }
            return new String[] {text.substring(0, nl), text.substring(nl + 1)};
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("cursor is not one this API returned");
        }
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
