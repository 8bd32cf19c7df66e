package org.securemail.provisioning.auth;

import java.util.UUID;

import org.securemail.provisioning.error.ApiProblem;

/**
 * The authenticated client of one request. Every tenant-scoped query takes a caller and filters on
 * {@link #tenantId()} unless the caller is an operator.
 *
 * @param keyId    the API key id, or null for the bootstrap operator key
 * @param role     operator or tenant
 * @param tenantId the tenant of a tenant key, null for an operator
 */
public record Caller(UUID keyId, Role role, UUID tenantId) {

    public static Caller bootstrapOperator() {
        return new Caller(null, Role.OPERATOR, null);
    }

    public boolean operator() {
        return role == Role.OPERATOR;
    }

    public void requireOperator() {
        if (!operator()) {
            throw ApiProblem.forbidden("this operation needs an operator key");
        }
    }

    /**
     * The tenant a create request acts for: a tenant key always acts for its own tenant (a different
     * {@code tenantId} in the body is refused); an operator must name the tenant.
     */
    public UUID tenantFor(UUID requested) {
        if (operator()) {
            if (requested == null) {
                throw ApiProblem.badRequest("tenantId is required with an operator key");
            }
            return requested;
        }
        if (requested != null && !requested.equals(tenantId)) {
            throw ApiProblem.forbidden("a tenant key may only act for its own tenant");
        }
        return tenantId;
    }

    /** True when the caller may see data of {@code tenant}. */
    public boolean sees(UUID tenant) {
        return operator() || tenantId.equals(tenant);
    }
}
