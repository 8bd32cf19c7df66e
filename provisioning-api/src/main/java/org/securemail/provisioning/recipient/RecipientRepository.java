package org.securemail.provisioning.recipient;

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

/** Recipients, always queried through the caller's {@link TenantScope}. */
@ApplicationScoped
public class RecipientRepository implements PanacheRepositoryBase<Recipient, UUID> {

    public Uni<Recipient> findVisible(Caller caller, UUID domainId, UUID id) {
        TenantScope scope = TenantScope.of(caller, "id = :id and domainId = :domain",
                Parameters.with("id", id).and("domain", domainId));
        return find(scope.hql(), scope.params()).firstResult()
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("recipient", id));
    }

    public Uni<List<Recipient>> listVisible(Caller caller, UUID domainId, PageRequest page) {
        TenantScope scope = TenantScope.of(caller, "domainId = :domain", Parameters.with("domain", domainId)).page(page);
        return find(scope.hql(), scope.params()).range(0, page.fetch() - 1).list();
    }

    /** All recipients of a domain of {@code tenantId} (used when the domain is deleted). */
    public Uni<List<Recipient>> ofDomain(UUID tenantId, UUID domainId) {
        return list("domainId = ?1 and tenantId = ?2", domainId, tenantId);
    }

    public Uni<Long> deleteOfDomain(UUID tenantId, UUID domainId) {
        return delete("domainId = ?1 and tenantId = ?2", domainId, tenantId);
    }

    public Uni<Boolean> exists(UUID domainId, String localPart) {
        return count("domainId = ?1 and localPart = ?2", domainId, localPart).map(n -> n > 0);
    }
}
