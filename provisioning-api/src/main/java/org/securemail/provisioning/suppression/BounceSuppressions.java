package org.securemail.provisioning.suppression;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.common.provisioning.SuppressionRecord;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.outbox.OutboxRelay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Hard bounces onto the suppression list, in the tracking write's transaction (ADR 0075). Tracking keeps every
 * attempt and the message's tenant and direction; once both the bounce and the accept record of a message are written
 * (in either order: they come from different topics), {@link #fromBounces} finds the bounce, and a
 * {@link HardBounces hard} one of an outbound (submitted) message adds its recipient to the tenant's list with its
 * {@code provisioning.suppressions} event. Idempotent: an address already listed is left as it is, so a batch written
 * again after a crash or a redelivered record adds nothing twice.
 */
@ApplicationScoped
public class BounceSuppressions {

    private static final Logger LOG = Logger.getLogger(BounceSuppressions.class);
    private static final MessageLog MAIL = MessageLog.of(BounceSuppressions.class);
    /** Characters of the next hop's reply kept with the entry. */
    static final int MAX_REPLY = 1000;

    private static final String BOUNCED = "SELECT m.tenant_id, a.queue_id, a.recipient, a.remote_host, a.reply, a.at"
            + " FROM tracked_attempt a JOIN tracked_message m ON m.queue_id = a.queue_id"
            + " WHERE a.queue_id = ANY($1) AND a.outcome = 'BOUNCED' AND m.direction = 'OUTBOUND'"
            + " AND m.tenant_id IS NOT NULL";
    private static final String COUNT = "SELECT count(*) FROM suppression WHERE tenant_id = $1";
    private static final String INSERT = "INSERT INTO suppression (id, tenant_id, address, domain, reason, queue_id,"
            + " reply, created_at, version) VALUES ($1, $2, $3, $4, 'HARD_BOUNCE', $5, $6, $7, 0)"
            + " ON CONFLICT (tenant_id, address) DO NOTHING RETURNING id";
    private static final String OUTBOX = "INSERT INTO outbox_event (topic, record_key, payload, created_at)"
            + " VALUES ($1, $2, $3, now())";

    @Inject
    ProvisioningConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    OutboxRelay relay;

    @Inject
    SuppressionMetrics metrics;

    /** What one transaction did: entries added, and hard bounces not added because the tenant's list was full. */
    public record Added(int added, int full) {

        public static final Added NONE = new Added(0, 0);

        Added plus(Added other) {
            return new Added(added + other.added, full + other.full);
        }
    }

    /** The hard bounces tracked for {@code queueIds}, added to their tenants' lists on {@code conn}. */
    public Uni<Added> fromBounces(SqlConnection conn, List<String> queueIds) {
        if (queueIds.isEmpty()) {
            return Uni.createFrom().item(Added.NONE);
        }
        return conn.preparedQuery(BOUNCED).execute(Tuple.of(queueIds.toArray(String[]::new))).chain(rows -> {
            List<Row> hard = new ArrayList<>();
            for (Row r : rows) {
                if (HardBounces.suppresses(r.getString("remote_host"), r.getString("reply"))) {
                    hard.add(r);
                }
            }
            return Multi.createFrom().iterable(hard).onItem().transformToUniAndConcatenate(r -> add(conn, r))
                    .collect().in(() -> new Added[] {Added.NONE}, (acc, a) -> acc[0] = acc[0].plus(a))
                    .map(acc -> acc[0]);
        });
    }

    /** After the transaction committed: counts, and wakes the outbox relay when something was added. */
    public void committed(Added result) {
        if (result == null) {
            return;
        }
        if (result.added() > 0) {
            metrics.added(SuppressionReason.HARD_BOUNCE, result.added());
            relay.wakeUp();
        }
        if (result.full() > 0) {
            metrics.full(result.full());
        }
    }

    private Uni<Added> add(SqlConnection conn, Row bounce) {
        UUID tenant = bounce.getUUID("tenant_id");
        String recipient = bounce.getString("recipient");
        Optional<String> address = SuppressionRecord.address(recipient);
        if (address.isEmpty()) {
            MAIL.debug(bounce.getString("queue_id"), "bounce of %s for %s: not an address a list can hold",
                    bounce.getString("queue_id"), recipient);
            return Uni.createFrom().item(Added.NONE);
        }
        int max = config.suppression().maxPerTenant();
        return conn.preparedQuery(COUNT).execute(Tuple.of(tenant)).chain(count -> {
            if (count.iterator().next().getLong(0) >= max) {
                LOG.warnf("tenant %s: suppression list full (%d), %s not added after a hard bounce", tenant, max,
                        address.get());
                return Uni.createFrom().item(new Added(0, 1));
            }
            String reply = bounce.getString("reply");
            OffsetDateTime at = bounce.getOffsetDateTime("at");
            Tuple row = Tuple.from(new Object[] {UUID.randomUUID(), tenant, address.get(),
                    SuppressionRecord.domainOf(address.get()), bounce.getString("queue_id"),
                    reply.length() > MAX_REPLY ? reply.substring(0, MAX_REPLY) : reply, at});
            return conn.preparedQuery(INSERT).execute(row).chain(inserted -> {
                if (inserted.size() == 0) {
                    return Uni.createFrom().item(Added.NONE); // already listed
                }
                SuppressionRecord record = new SuppressionRecord(tenant.toString(), address.get(),
                        SuppressionReason.HARD_BOUNCE);
                String payload;
                try {
                    payload = json.writeValueAsString(record);
                } catch (JsonProcessingException e) {
                    return Uni.createFrom().failure(new IllegalStateException("cannot serialise " + record, e));
                }
                return conn.preparedQuery(OUTBOX).execute(Tuple.of(Topics.PROVISIONING_SUPPRESSIONS, record.key(), payload))
                        .replaceWith(new Added(1, 0));
            });
        });
    }
}
