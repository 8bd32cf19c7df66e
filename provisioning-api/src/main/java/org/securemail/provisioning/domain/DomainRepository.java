package org.securemail.provisioning.domain;

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

/** Domains, always queried through the caller's {@link TenantScope}. */
@ApplicationScoped
public class DomainRepository implements PanacheRepositoryBase<Domain, UUID> {

    /** The domain if the caller may see it, else 404 (another tenant's domain is indistinguishable from none). */
    public Uni<Domain> findVisible(Caller caller, UUID id) {
        TenantScope scope = TenantScope.byId(caller, id);
        return find(scope.hql(), scope.params()).firstResult()
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("domain", id));
    }

    public Uni<List<Domain>> listVisible(Caller caller, PageRequest page, String nameFilter) {
        String condition = "1 = 1";
        Parameters params = new Parameters();
        if (nameFilter != null) {
            condition = "name = :name";
            params.and("name", nameFilter);
        }
        TenantScope scope = TenantScope.of(caller, condition, params).page(page);
        return find(scope.hql(), scope.params()).range(0, page.fetch() - 1).list();
    }

    public Uni<Boolean> nameTaken(String name) {
        return count("name", name).map(n -> n > 0);
    }
}
