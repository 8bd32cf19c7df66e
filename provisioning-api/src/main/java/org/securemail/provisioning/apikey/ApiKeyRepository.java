package org.securemail.provisioning.apikey;

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

/** Active (not revoked) API keys, queried through the caller's {@link TenantScope}. */
@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

    public Uni<ApiKey> findVisible(Caller caller, UUID id) {
        TenantScope scope = TenantScope.of(caller, "id = :id and revokedAt is null", Parameters.with("id", id));
        return find(scope.hql(), scope.params()).firstResult()
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("API key", id));
    }

    public Uni<List<ApiKey>> listVisible(Caller caller, PageRequest page) {
        TenantScope scope = TenantScope.of(caller, "revokedAt is null", new Parameters()).page(page);
        return find(scope.hql(), scope.params()).range(0, page.fetch() - 1).list();
    }
}
