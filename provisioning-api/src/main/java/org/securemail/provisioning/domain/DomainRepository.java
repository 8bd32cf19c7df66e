package org.securemail.provisioning.domain;

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

/**
 * Domains. The API queries them through the caller's {@link TenantScope}; the claim queries ({@link #verifiedClaim},
 * {@link #openClaims}, {@link #due}) serve verification, which looks across tenants by design.
 */
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

    /** True when {@code tenantId} has a claim on {@code name} already. */
    public Uni<Boolean> claimedBy(UUID tenantId, String name) {
        return count("tenantId = ?1 and name = ?2", tenantId, name).map(n -> n > 0);
    }

    /** The verified claim on {@code name}, or null. */
    public Uni<Domain> verifiedClaim(String name) {
        return find("name = ?1 and verification.state = ?2", name, VerificationState.VERIFIED).firstResult();
    }

    /** The other claims on {@code name} that could still be verified. */
    public Uni<List<Domain>> openClaims(String name, UUID except) {
        return list("name = ?1 and id <> ?2 and verification.state in (?3, ?4)", name, except,
                VerificationState.PENDING, VerificationState.EXPIRED);
    }

    public Uni<Long> pendingOf(UUID tenantId) {
        return count("tenantId = ?1 and verification.state = ?2", tenantId, VerificationState.PENDING);
    }

    /** Pending claims whose DNS check is due, oldest due first. */
    public Uni<List<Domain>> due(Instant now, int limit) {
        return find("verification.state = ?1 and verification.nextCheckAt <= ?2 order by verification.nextCheckAt",
                VerificationState.PENDING, now).range(0, limit - 1).list();
    }
}
