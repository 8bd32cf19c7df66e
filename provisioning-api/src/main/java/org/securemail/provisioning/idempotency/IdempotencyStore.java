package org.securemail.provisioning.idempotency;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code idempotency_key} table (migration V7): one row per (API key, Idempotency-Key), claimed by one request at a
 * time with a conditional insert or update, so that replicas of the API agree without any lock held across a request.
 */
@ApplicationScoped
public class IdempotencyStore {

    private static final String IN_PROGRESS = "IN_PROGRESS";
    private static final String COMPLETED = "COMPLETED";

    private final Pool pool;
    private final IdempotencySettings settings;
    private final Clock clock;

    @Inject
    public IdempotencyStore(Pool pool, IdempotencySettings settings) {
        this(pool, settings, Clock.systemUTC());
    }

    IdempotencyStore(Pool pool, IdempotencySettings settings, Clock clock) {
        this.pool = pool;
        this.settings = settings;
        this.clock = clock;
    }

    public Uni<Claim> claim(IdempotencyKey k) {
        OffsetDateTime now = now();
        return pool.preparedQuery("INSERT INTO idempotency_key (scope, idem_key, fingerprint, state, created_at)"
                        + " VALUES ($1, $2, $3, '" + IN_PROGRESS + "', $4) ON CONFLICT (scope, idem_key) DO NOTHING")
                .execute(Tuple.of(k.scope(), k.key(), k.fingerprint(), now))
                .chain(inserted -> inserted.rowCount() == 1 ? granted() : takeOverOrRead(k, now));
    }

    /** An expired key is anyone's again; an abandoned claim of the same request is taken over. */
    private Uni<Claim> takeOverOrRead(IdempotencyKey k, OffsetDateTime now) {
        return pool.preparedQuery("UPDATE idempotency_key SET fingerprint = $3, state = '" + IN_PROGRESS + "',"
                        + " status = NULL, location = NULL, body = NULL, created_at = $4"
                        + " WHERE scope = $1 AND idem_key = $2 AND (created_at < $5"
                        + " OR (state = '" + IN_PROGRESS + "' AND fingerprint = $3 AND created_at < $6))")
                .execute(Tuple.from(new Object[] {k.scope(), k.key(), k.fingerprint(), now,
                        now.minus(settings.retention()), now.minus(settings.inProgressTimeout())}))
                .chain(updated -> updated.rowCount() == 1 ? granted() : read(k));
    }

    private Uni<Claim> read(IdempotencyKey k) {
        return pool.preparedQuery("SELECT fingerprint, state, status, location, body FROM idempotency_key"
                        + " WHERE scope = $1 AND idem_key = $2")
                .execute(Tuple.of(k.scope(), k.key()))
                .map(rows -> classify(k, rows));
    }

    private static Claim classify(IdempotencyKey k, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return new Claim.Running(); // released between our insert and this read: a retry gets it
        }
        Row row = rows.iterator().next();
        if (!k.fingerprint().equals(row.getString("fingerprint"))) {
            return new Claim.OtherRequest();
        }
        if (!COMPLETED.equals(row.getString("state"))) {
            return new Claim.Running();
        }
        return new Claim.Answered(new StoredAnswer(row.getInteger("status"), row.getString("location"),
                row.getString("body")));
    }

    /** Keeps the answer of the request that holds the claim. */
    public Uni<Void> complete(IdempotencyKey k, StoredAnswer answer) {
        return pool.preparedQuery("UPDATE idempotency_key SET state = '" + COMPLETED + "', status = $4, location = $5,"
                        + " body = $6 WHERE scope = $1 AND idem_key = $2 AND fingerprint = $3 AND state = '"
                        + IN_PROGRESS + "'")
                .execute(Tuple.from(new Object[] {k.scope(), k.key(), k.fingerprint(), answer.status(),
                        answer.location(), answer.body()}))
                .replaceWithVoid();
    }

    /** Gives the key back (the request failed, or its answer is not kept): a retry runs again. */
    public Uni<Void> release(IdempotencyKey k) {
        return pool.preparedQuery("DELETE FROM idempotency_key WHERE scope = $1 AND idem_key = $2 AND fingerprint = $3"
                        + " AND state = '" + IN_PROGRESS + "'")
                .execute(Tuple.of(k.scope(), k.key(), k.fingerprint()))
                .replaceWithVoid();
    }

    /** Deletes at most {@code sweep-batch-size} keys past their retention; the number deleted. */
    public Uni<Integer> sweep() {
        return pool.preparedQuery("DELETE FROM idempotency_key WHERE ctid IN (SELECT ctid FROM idempotency_key"
                        + " WHERE created_at < $1 LIMIT $2)")
                .execute(Tuple.of(now().minus(settings.retention()), settings.sweepBatchSize()))
                .map(RowSet::rowCount);
    }

    private static Uni<Claim> granted() {
        return Uni.createFrom().item(new Claim.Granted());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
