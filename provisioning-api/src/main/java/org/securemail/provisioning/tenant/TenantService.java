package org.securemail.provisioning.tenant;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.tenant.TenantDtos.CreateTenant;
import org.securemail.provisioning.tenant.TenantDtos.TenantView;
import org.securemail.provisioning.tenant.TenantDtos.UpdateTenant;
import org.securemail.provisioning.suppression.SuppressionService;
import org.securemail.provisioning.webhook.WebhookService;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Tenant lifecycle. Creating, renaming and deleting tenants is for operators only. */
@ApplicationScoped
public class TenantService {

    @Inject
    SuppressionService suppressions;

    @Inject
    WebhookService webhooks;

    @Inject
    TenantRepository tenants;

    public Uni<TenantView> create(Caller caller, CreateTenant request) {
        caller.requireOperator();
        Tenant t = new Tenant();
        t.id = UUID.randomUUID();
        t.name = request.name().trim();
        t.createdAt = Instant.now();
        t.updatedAt = t.createdAt;
        return Panache.withTransaction(() -> tenants.persist(t)).map(TenantView::of);
    }

    public Uni<TenantView> get(Caller caller, UUID id) {
        return Panache.withSession(() -> tenants.findVisible(caller, id)).map(TenantView::of);
    }

    public Uni<Page<TenantView>> list(Caller caller, PageRequest page) {
        return Panache.withSession(() -> tenants.listVisible(caller, page))
                .map(rows -> Page.of(rows, page.limit(), TenantView::of, t -> t.id.toString()));
    }

    public Uni<TenantView> update(Caller caller, UUID id, UpdateTenant request) {
        caller.requireOperator();
        return Panache.withTransaction(() -> tenants.findVisible(caller, id).map(t -> {
            if (t.version != request.version()) {
                throw ApiProblem.stale("tenant", id, request.version(), t.version);
            }
            t.name = request.name().trim();
            t.updatedAt = Instant.now();
            return t;
        })).map(TenantView::of);
    }

    /** Deletes an empty tenant; one that still owns domains, users or keys gives 409. */
    public Uni<Void> delete(Caller caller, UUID id) {
        caller.requireOperator();
        return Panache.withTransaction(() -> tenants.findVisible(caller, id).chain(t -> Panache.getSession()
                .chain(s -> s.createNativeQuery("SELECT (SELECT count(*) FROM domain WHERE tenant_id = :t)"
                        + " + (SELECT count(*) FROM smtp_user WHERE tenant_id = :t)"
                        + " + (SELECT count(*) FROM api_key WHERE tenant_id = :t AND revoked_at IS NULL)", Long.class)
                        .setParameter("t", id).getSingleResult())
                .chain(owned -> {
                    if (owned > 0) {
                        return Uni.createFrom().failure(ApiProblem.conflict(
                                "tenant " + id + " still owns " + owned + " domains, SMTP users or API keys; delete them first"));
                    }
                    return Panache.getSession().chain(s -> s.createNativeQuery(
                            "DELETE FROM api_key WHERE tenant_id = :t").setParameter("t", id).executeUpdate())
                            // its suppression list goes with it, a tombstone each (the relay finds them on its poll)
                            .chain(() -> suppressions.removeAllOf(id))
                            // and its webhooks (deliveries still queued for them are dropped when they come up)
                            .chain(() -> webhooks.removeAllOf(id))
                            .chain(() -> tenants.delete(t));
                })));
    }
}
