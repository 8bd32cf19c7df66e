package org.securemail.provisioning.webhook;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.TenantScope;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** The events the API raised about a tenant's webhooks, through the caller's {@link TenantScope}. */
@ApplicationScoped
public class WebhookEventRepository implements PanacheRepositoryBase<WebhookEventRow, UUID> {

    public Uni<List<WebhookEventRow>> listVisible(Caller caller, String type, PageRequest page) {
        Parameters params = new Parameters();
        String condition = "1 = 1";
        if (type != null) {
            condition = "type = :type";
            params.and("type", type);
        }
        TenantScope scope = TenantScope.of(caller, condition, params).page(page);
        return find(scope.hql(), scope.params()).range(0, page.fetch() - 1).list();
    }

    public Uni<Long> deleteAllOf(UUID tenantId) {
        return delete("tenantId", tenantId);
    }
}
