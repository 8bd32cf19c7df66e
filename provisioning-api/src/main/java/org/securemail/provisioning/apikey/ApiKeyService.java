package org.securemail.provisioning.apikey;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.apikey.ApiKeyDtos.ApiKeyView;
import org.securemail.provisioning.apikey.ApiKeyDtos.CreateApiKey;
import org.securemail.provisioning.apikey.ApiKeyDtos.CreatedApiKey;
import org.securemail.provisioning.auth.ApiKeys;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.Role;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.tenant.TenantRepository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * API keys. Operators create any key; a tenant key may create and revoke keys of its own tenant only. Revocation
 * takes effect on the next request (keys are looked up on every request, not cached).
 */
@ApplicationScoped
public class ApiKeyService {

    @Inject
    ApiKeyRepository keys;

    @Inject
    TenantRepository tenants;

    public Uni<CreatedApiKey> create(Caller caller, CreateApiKey request) {
        UUID tenantId;
        if (request.role() == Role.OPERATOR) {
            caller.requireOperator();
            if (request.tenantId() != null) {
                throw ApiProblem.badRequest("an OPERATOR key has no tenantId");
            }
            tenantId = null;
        } else {
            tenantId = caller.tenantFor(request.tenantId());
        }
        String secret = ApiKeys.generate();
        ApiKey k = new ApiKey();
        k.id = UUID.randomUUID();
        k.keyHash = ApiKeys.hash(secret);
        k.keyPrefix = ApiKeys.displayPrefix(secret);
        k.role = request.role();
        k.tenantId = tenantId;
        k.description = request.description();
        k.createdAt = Instant.now();
        return Panache.withTransaction(() -> tenantExists(caller, tenantId).chain(() -> keys.persist(k)))
                .map(x -> new CreatedApiKey(k.id, secret, k.keyPrefix, k.role, k.tenantId, k.description, k.createdAt));
    }

    private Uni<Void> tenantExists(Caller caller, UUID tenantId) {
        if (tenantId == null) {
            return Uni.createFrom().voidItem();
        }
        return tenants.requireTenantOfRequest(caller, tenantId);
    }

    public Uni<ApiKeyView> get(Caller caller, UUID id) {
        return Panache.withSession(() -> keys.findVisible(caller, id)).map(ApiKeyView::of);
    }

    public Uni<Page<ApiKeyView>> list(Caller caller, PageRequest page) {
        return Panache.withSession(() -> keys.listVisible(caller, page))
                .map(rows -> Page.of(rows, page.limit(), ApiKeyView::of, k -> k.id.toString()));
    }

    /** Revokes a key; the row stays for audit with {@code revoked_at} set. */
    public Uni<Void> revoke(Caller caller, UUID id) {
        return Panache.withTransaction(() -> keys.findVisible(caller, id).invoke(k -> k.revokedAt = Instant.now()))
                .replaceWithVoid();
    }
}
