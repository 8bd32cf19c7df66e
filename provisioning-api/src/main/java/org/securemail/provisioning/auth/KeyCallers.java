package org.securemail.provisioning.auth;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.provisioning.config.ProvisioningConfig;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Who an API key is: the bootstrap operator key (configured, never stored) or a live (not revoked) row of
 * {@code api_key}. One place for {@link ApiKeyFilter} and the console's sign-in (ADR 0087).
 */
@ApplicationScoped
public class KeyCallers {

    @Inject
    Pool pool;

    @Inject
    ProvisioningConfig config;

    private volatile String bootstrapHash;

    /** The caller a presented key authenticates, or empty for an unknown or revoked key. */
    public Uni<Optional<Caller>> byKey(String key) {
        String hash = ApiKeys.hash(key);
        if (isBootstrap(hash)) {
            return Uni.createFrom().item(Optional.of(Caller.bootstrapOperator()));
        }
        return pool.preparedQuery("SELECT id, role, tenant_id FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(hash)).map(KeyCallers::caller);
    }

    /** The caller of a stored key by its id, or empty once it is revoked or gone. */
    public Uni<Optional<Caller>> byKeyId(UUID keyId) {
        return pool.preparedQuery("SELECT id, role, tenant_id FROM api_key WHERE id = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(keyId)).map(KeyCallers::caller);
    }

    /** True when {@code hash} is the hash of the configured bootstrap key. */
    public boolean isBootstrap(String hash) {
        String bootstrap = bootstrapHash();
        return bootstrap != null && ApiKeys.sameHash(bootstrap, hash);
    }

    /** The hash of the configured bootstrap key, or null when there is none. */
    public String bootstrapHash() {
        String h = bootstrapHash;
        if (h == null) {
            h = config.bootstrapOperatorKey().filter(k -> !k.isBlank()).map(ApiKeys::hash).orElse("");
            bootstrapHash = h;
        }
        return h.isEmpty() ? null : h;
    }

    private static Optional<Caller> caller(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        return Optional.of(new Caller(row.getUUID("id"), Role.valueOf(row.getString("role")), row.getUUID("tenant_id")));
    }
}
