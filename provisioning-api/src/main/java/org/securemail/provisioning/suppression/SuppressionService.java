package org.securemail.provisioning.suppression;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.common.provisioning.SuppressionRecord;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.error.FieldError;
import org.securemail.provisioning.error.ProblemType;
import org.securemail.provisioning.outbox.Outbox;
import org.securemail.provisioning.recipient.RecipientDtos;
import org.securemail.provisioning.suppression.SuppressionDtos.CreateSuppression;
import org.securemail.provisioning.suppression.SuppressionDtos.SuppressionView;
import org.securemail.provisioning.tenant.TenantRepository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Suppression lists through the API. Each add or remove writes its {@code provisioning.suppressions} event in the
 * same transaction; {@link BounceSuppressions} adds the hard bounces.
 */
@ApplicationScoped
public class SuppressionService {

    @Inject
    SuppressionRepository suppressions;

    @Inject
    TenantRepository tenants;

    @Inject
    Outbox outbox;

    @Inject
    ProvisioningConfig config;

    @Inject
    SuppressionMetrics metrics;

    public Uni<SuppressionView> add(Caller caller, CreateSuppression request) {
        UUID tenantId = caller.tenantFor(request.tenantId());
        String address = normalise(request.address());
        int max = config.suppression().maxPerTenant();
        return outbox.transaction(() -> tenants.requireTenantOfRequest(caller, tenantId)
                        .chain(() -> suppressions.countOf(tenantId))
                        .chain(n -> n >= max
                                ? Uni.createFrom().<Void>failure(ApiProblem.conflict("a tenant's suppression list holds at most "
                                        + max + " addresses; remove some first"))
                                : ApiProblem.failIfTaken(suppressions.exists(tenantId, address),
                                        address + " is already on the suppression list"))
                        .chain(() -> {
                            Suppression s = new Suppression();
                            s.id = UUID.randomUUID();
                            s.tenantId = tenantId;
                            s.address = address;
                            s.domain = SuppressionRecord.domainOf(address);
                            s.reason = SuppressionReason.MANUAL;
                            s.createdAt = Instant.now();
                            return suppressions.persistAndFlush(s).call(() -> outbox.suppressionAdded(record(s)))
                                    .map(SuppressionView::of);
                        }))
                .invoke(() -> metrics.added(SuppressionReason.MANUAL, 1));
    }

    public Uni<Page<SuppressionView>> list(Caller caller, String domain, SuppressionReason reason, PageRequest page) {
        String d = domain == null ? null : SuppressionRecord.address("x", domain).map(SuppressionRecord::domainOf)
                .orElseThrow(() -> ApiProblem.badRequest("domain must be a host name"));
        return Panache.withSession(() -> suppressions.listVisible(caller, d, reason, page)
                .map(rows -> Page.of(rows, page.limit(), SuppressionView::of, s -> s.id.toString())));
    }

    public Uni<SuppressionView> get(Caller caller, UUID id) {
        return Panache.withSession(() -> suppressions.findVisible(caller, id).map(SuppressionView::of));
    }

    public Uni<Void> remove(Caller caller, UUID id) {
        return outbox.transaction(() -> suppressions.findVisible(caller, id)
                        .call(s -> suppressions.delete(s))
                        .call(s -> outbox.suppressionRemoved(record(s))))
                .invoke(() -> metrics.removed(1))
                .replaceWithVoid();
    }

    /** Empties a tenant's list (the tenant is being deleted), a tombstone each; runs in the caller's transaction. */
    public Uni<Void> removeAllOf(UUID tenantId) {
        return suppressions.ofTenant(tenantId).call(list -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Suppression s : list) {
                chain = chain.call(() -> suppressions.delete(s)).call(() -> outbox.suppressionRemoved(record(s)));
            }
            return chain.invoke(() -> metrics.removed(list.size()));
        }).replaceWithVoid();
    }

    /**
     * The stored form of an address given to the API: an RFC 5321 dot-string local part (no quoted strings) and a
     * host name, within RFC 5321's lengths; 400 naming the field otherwise.
     */
    static String normalise(String input) {
        String address = input.trim();
        int at = address.lastIndexOf('@');
        Optional<String> normalised = at <= 0 || !address.substring(0, at).matches(RecipientDtos.LOCAL_PART)
                ? Optional.empty() : SuppressionRecord.address(address.substring(0, at), address.substring(at + 1));
        return normalised.orElseThrow(() -> new ApiProblem(ProblemType.VALIDATION, "address is not a mailbox",
                List.of(new FieldError("address", "must be local@domain: an RFC 5321 dot-string of at most 64 octets,"
                        + " a host name, 254 octets in all"))));
    }

    static SuppressionRecord record(Suppression s) {
        return new SuppressionRecord(s.tenantId.toString(), s.address, s.reason);
    }
}
