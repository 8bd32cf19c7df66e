package org.securemail.provisioning.smtpuser;

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

/** SMTP users, always queried through the caller's {@link TenantScope}. */
@ApplicationScoped
public class SmtpUserRepository implements PanacheRepositoryBase<SmtpUser, UUID> {

    public Uni<SmtpUser> findVisible(Caller caller, UUID id) {
        TenantScope scope = TenantScope.byId(caller, id);
        return find(scope.hql(), scope.params()).firstResult()
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("SMTP user", id));
    }

    public Uni<List<SmtpUser>> listVisible(Caller caller, PageRequest page) {
        TenantScope scope = TenantScope.of(caller, "1 = 1", new Parameters()).page(page);
        return find(scope.hql(), scope.params()).range(0, page.fetch() - 1).list();
    }

    public Uni<Boolean> usernameTaken(String username) {
        return count("username", username).map(n -> n > 0);
    }
}
