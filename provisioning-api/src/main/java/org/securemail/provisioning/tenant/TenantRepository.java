package org.securemail.provisioning.tenant;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** Tenants as a caller may see them: an operator sees all, a tenant key only its own tenant. */
@ApplicationScoped
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {

    public Uni<Tenant> findVisible(Caller caller, UUID id) {
        if (!caller.sees(id)) {
            return Uni.createFrom().failure(ApiProblem.notFound("tenant", id));
        }
        return findById(id).onItem().ifNull().failWith(() -> ApiProblem.notFound("tenant", id));
    }

    /** For a create request that names its tenant: an unknown (or invisible) tenant is a bad request, not a 404. */
    public Uni<Void> requireTenantOfRequest(Caller caller, UUID id) {
        return findVisible(caller, id).replaceWithVoid()
                .onFailure(ApiProblem.class).transform(e -> ApiProblem.badRequest("tenant " + id + " does not exist"));
    }

    public Uni<List<Tenant>> listVisible(Caller caller, PageRequest page) {
        StringBuilder hql = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (!caller.operator()) {
            hql.append(" and id = :own");
            params.and("own", caller.tenantId());
        }
        if (page.after() != null) {
            hql.append(" and id > :after");
            params.and("after", page.after());
        }
        hql.append(" order by id");
        return find(hql.toString(), params).range(0, page.fetch() - 1).list();
    }
}
