package org.securemail.provisioning.suppression;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.TenantScope;
import org.securemail.provisioning.error.ApiProblem;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** Suppression lists, always queried through the caller's {@link TenantScope}. */
@ApplicationScoped
public class SuppressionRepository implements PanacheRepositoryBase<Suppression, UUID> {

    public Uni<Suppression> findVisible(Caller caller, UUID id) {
        TenantScope scope = TenantScope.byId(caller, id);
        return find(scope.hql(), scope.params()).firstResult()
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("suppression", id));
    }

    /** A page, optionally only one domain's or one reason's entries. */
    public Uni<List<Suppression>> listVisible(Caller caller, String domain, SuppressionReason reason, PageRequest page) {
        StringBuilder condition = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (domain != null) {
            condition.append(" and domain = :domain");
            params.and("domain", domain);
        }
        if (reason != null) {
            condition.append(" and reason = :reason");
            params.and("reason", reason);
        }
        TenantScope scope = TenantScope.of(caller, condition.toString(), params).page(page);
        return find(scope.hql(), scope.params()).range(0, page.fetch() - 1).list();
    }

    public Uni<Long> countOf(UUID tenantId) {
        return count("tenantId", tenantId);
    }

    public Uni<Boolean> exists(UUID tenantId, String address) {
        return count("tenantId = ?1 and address = ?2", tenantId, address).map(n -> n > 0);
    }

    public Uni<List<Suppression>> ofTenant(UUID tenantId) {
        return list("tenantId", tenantId);
    }
}
