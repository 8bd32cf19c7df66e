package org.securemail.provisioning.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.webhook.WebhookEventType;
import org.securemail.provisioning.config.ProvisioningConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The dispatcher's side of {@code webhook_endpoint}: what to send to, and the bookkeeping of each attempt, each a
 * targeted update of its own columns. An endpoint whose first failure since its last success is at least
 * {@code disable-after} old when another attempt fails is disabled, in the same transaction as a
 * {@code webhook.disabled} event (kept for the API and queued for the tenant's other endpoints that list it).
 */
@ApplicationScoped
public class WebhookEndpoints {

    private static final String TARGET = "SELECT tenant_id, url, event_types, enabled, secret, previous_secret,"
            + " previous_secret_expires_at > now() AS previous_valid FROM webhook_endpoint WHERE id = $1";
    /** A success clears the failure record; written at most once a minute while all goes well. */
    private static final String SUCCEEDED = "UPDATE webhook_endpoint SET failing_since = NULL, consecutive_failures = 0,"
            + " last_success_at = now() WHERE id = $1 AND (failing_since IS NOT NULL OR consecutive_failures > 0"
            + " OR last_success_at IS NULL OR last_success_at < now() - interval '1 minute')";
    private static final String FAILED = "UPDATE webhook_endpoint SET failing_since = COALESCE(failing_since, now()),"
            + " consecutive_failures = consecutive_failures + 1, last_failure = $2, last_failure_at = now()"
            + " WHERE id = $1 AND enabled"
            + " RETURNING failing_since <= now() - $3::bigint * interval '1 millisecond' AS overdue";
    private static final String DISABLE = "UPDATE webhook_endpoint SET enabled = false, disabled_at = now(),"
            + " disabled_reason = $2, version = version + 1 WHERE id = $1 AND enabled"
            + " RETURNING tenant_id, url, failing_since, consecutive_failures, last_failure, disabled_at";
    private static final String EVENT = "INSERT INTO webhook_event (id, tenant_id, endpoint_id, type, payload, created_at)"
            + " VALUES ($1, $2, $3, $4, $5, $6)";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    @Inject
    WebhookSecrets secrets;

    @Inject
    WebhookEvents events;

    @Inject
    ProvisioningConfig config;

    /**
     * An endpoint as the dispatcher needs it.
     *
     * @param secrets the current secret, then the previous one while it is still valid after a rotation; null when
     *                the stored secrets cannot be opened (the operator's key is missing or wrong)
     */
    public record Target(UUID id, UUID tenantId, URI url, Set<String> types, boolean enabled, List<String> secrets) {
    }

    /** What a failed attempt did to its endpoint. */
    public enum AfterFailure {
        /** Still enabled: the delivery is tried again. */
        RETRY,
        /** Failing for {@code disable-after}: disabled now, by this attempt. */
        DISABLED,
        /** Deleted or disabled meanwhile. */
        GONE
    }

    /** The endpoint, or null when it was deleted. */
    public Uni<Target> target(UUID id) {
        return pool.preparedQuery(TARGET).execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row r = rows.iterator().next();
            List<String> keys = new ArrayList<>();
            try {
                keys.add(secrets.open(id, r.getString("secret")));
                if (Boolean.TRUE.equals(r.getBoolean("previous_valid")) && r.getString("previous_secret") != null) {
                    keys.add(secrets.open(id, r.getString("previous_secret")));
                }
            } catch (IllegalStateException e) {
                keys = null;
            }
            try {
                return new Target(id, r.getUUID("tenant_id"), URI.create(r.getString("url")),
                        new HashSet<>(json.readValue(r.getString("event_types"), STRINGS)), r.getBoolean("enabled"), keys);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("event_types of webhook " + id + " is not JSON", e);
            }
        });
    }

    public Uni<Void> succeeded(UUID id) {
        return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(id)).replaceWithVoid();
    }

    /** Records a failed attempt; disables the endpoint when it has failed for {@code disable-after}. */
    public Uni<AfterFailure> failed(UUID id, String detail) {
        long disableAfter = config.webhooks().disableAfter().toMillis();
        int[] queued = {0};
        return pool.withTransaction(conn -> conn.preparedQuery(FAILED).execute(Tuple.of(id, detail, disableAfter))
                        .chain(rows -> {
                            if (rows.size() == 0) {
                                return Uni.createFrom().item(AfterFailure.GONE);
                            }
                            if (!rows.iterator().next().getBoolean("overdue")) {
                                return Uni.createFrom().item(AfterFailure.RETRY);
                            }
                            return disable(conn, id).invoke(n -> queued[0] = n).replaceWith(AfterFailure.DISABLED);
                        }))
                .invoke(() -> events.committed(queued[0]));
    }

    private Uni<Integer> disable(SqlConnection conn, UUID id) {
        String reason = "every attempt failed for " + config.webhooks().disableAfter()
                + " (provisioning.webhooks.disable-after)";
        return conn.preparedQuery(DISABLE).execute(Tuple.of(id, reason)).chain(rows -> {
            Row r = rows.iterator().next();
            Instant at = r.getOffsetDateTime("disabled_at").toInstant();
            UUID tenant = r.getUUID("tenant_id");
            ObjectNode data = json.createObjectNode();
            data.put("webhookId", id.toString());
            data.put("url", r.getString("url"));
            data.put("failingSince", r.getOffsetDateTime("failing_since").toInstant().toString());
            data.put("consecutiveFailures", r.getInteger("consecutive_failures"));
            data.put("lastFailure", r.getString("last_failure"));
            data.put("disabledAt", at.toString());
            data.put("reason", reason);
            WebhookEvents.Event event = new WebhookEvents.Event(WebhookEvents.timeOrderedId(at), tenant,
                    WebhookEventType.WEBHOOK_DISABLED, at, data);
            return conn.preparedQuery(EVENT).execute(Tuple.from(new Object[] {event.id(), tenant, id,
                            event.type().wireName(), events.document(event), r.getOffsetDateTime("disabled_at")}))
                    .chain(() -> events.enqueue(conn, List.of(event)));
        });
    }
}
