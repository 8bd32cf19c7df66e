package org.securemail.provisioning.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.TenantScope;
import org.securemail.provisioning.error.ApiProblem;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** Webhook endpoints through the API, always queried through the caller's {@link TenantScope}. */
@ApplicationScoped
public class WebhookEndpointRepository implements PanacheRepositoryBase<WebhookEndpoint, UUID> {

    public Uni<WebhookEndpoint> findVisible(Caller caller, UUID id) {
        TenantScope scope = TenantScope.byId(caller, id);
        return find(scope.hql(), scope.params()).firstResult()
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("webhook", id));
    }

    public Uni<List<WebhookEndpoint>> listVisible(Caller caller, PageRequest page) {
        TenantScope scope = TenantScope.of(caller, "1 = 1", new Parameters()).page(page);
        return find(scope.hql(), scope.params()).range(0, page.fetch() - 1).list();
    }

    public Uni<Long> countOf(UUID tenantId) {
        return count("tenantId", tenantId);
    }

    /** A new secret; the current one stays valid (signed with as well) until {@code previousUntil}. */
    public Uni<Integer> rotate(UUID id, String sealed, Instant previousUntil) {
        return update("previousSecret = secret, previousSecretExpiresAt = ?2, secret = ?3, version = version + 1"
                + " where id = ?1", id, previousUntil, sealed);
    }

    /** Enabled again, its failure record cleared; nothing when it is enabled already. */
    public Uni<Integer> enable(UUID id) {
        return update("enabled = true, disabledAt = null, disabledReason = null, failingSince = null,"
                + " consecutiveFailures = 0, version = version + 1 where id = ?1 and enabled = false", id);
    }

    public Uni<Long> deleteAllOf(UUID tenantId) {
        return delete("tenantId", tenantId);
    }
}
