package org.securemail.provisioning.auth;

import java.util.UUID;

import org.securemail.provisioning.api.PageRequest;

import io.quarkus.panache.common.Parameters;

/**
 * Turns a {@link Caller} into the query restriction every repository applies: a tenant key only ever matches rows
 * whose {@code tenantId} is its own tenant, so isolation holds in the database query itself.
 */
public final class TenantScope {

    private final StringBuilder hql;
    private final Parameters params;

    private TenantScope(Caller caller, String condition, Parameters params) {
        this.hql = new StringBuilder(condition);
        this.params = params;
        if (!caller.operator()) {
            hql.append(" and tenantId = :scopeTenant");
            params.and("scopeTenant", caller.tenantId());
        }
    }

    /** {@code condition} (HQL over the entity's fields) restricted to what {@code caller} may see. */
    public static TenantScope of(Caller caller, String condition, Parameters params) {
        return new TenantScope(caller, condition, params);
    }

    public static TenantScope byId(Caller caller, UUID id) {
        return of(caller, "id = :id", Parameters.with("id", id));
    }

    /** Adds keyset pagination by id. */
    public TenantScope page(PageRequest page) {
        if (page.after() != null) {
            hql.append(" and id > :after");
            params.and("after", page.after());
        }
        hql.append(" order by id");
        return this;
    }

    public String hql() {
        return hql.toString();
    }

    public Parameters params() {
        return params;
    }
}
