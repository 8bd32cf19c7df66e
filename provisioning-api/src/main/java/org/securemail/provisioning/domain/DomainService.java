package org.securemail.provisioning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.mail.DomainNames;
import org.securemail.common.net.NetworkPolicy;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.domain.DomainDtos.CreateDomain;
import org.securemail.provisioning.domain.DomainDtos.DomainView;
import org.securemail.provisioning.domain.DomainDtos.NextHopInput;
import org.securemail.provisioning.domain.DomainDtos.UpdateDomain;
import org.securemail.provisioning.domain.verification.DomainVerifications;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.error.FieldError;
import org.securemail.provisioning.error.ProblemType;
import org.securemail.provisioning.network.RemoteHosts;
import org.securemail.provisioning.outbox.Outbox;
import org.securemail.provisioning.policy.PolicyDtos.PolicyInput;
import org.securemail.provisioning.policy.PolicyMode;
import org.securemail.provisioning.recipient.RecipientRepository;
import org.securemail.provisioning.tenant.TenantRepository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Domain lifecycle. A change of a verified domain writes its {@code provisioning.domains} event in the same
 * transaction; an unverified claim stays in the database ({@link DomainPublication}, {@link DomainVerifications}).
 */
@ApplicationScoped
public class DomainService {

    @Inject
    DomainRepository domains;

    @Inject
    TenantRepository tenants;

    @Inject
    RecipientRepository recipients;

    @Inject
    Outbox outbox;

    @Inject
    ProvisioningConfig config;

    @Inject
    DomainPublication publication;

    @Inject
    DomainVerifications verifications;

    public Uni<DomainView> create(Caller caller, CreateDomain request) {
        UUID tenantId = caller.tenantFor(request.tenantId());
        String name = normaliseName("name", request.name());
        List<NextHop> hops = normaliseHops(request.nextHops());
        boolean inbound = request.inboundEnabled() == null || request.inboundEnabled();
        requireHopsWhenInbound(inbound, hops);
        PolicyInput policy = request.policy();
        Domain d = new Domain();
        d.id = UUID.randomUUID();
        d.tenantId = tenantId;
        d.name = name;
        d.inboundEnabled = inbound;
        d.nextHops = hops;
        d.recipientListOnly = Boolean.TRUE.equals(request.recipientListOnly());
        d.maxMessageSize = request.maxMessageSize() == null ? 0 : request.maxMessageSize();
        d.outboundAllowed = request.outboundAllowed() == null || request.outboundAllowed();
        d.spfMode = policy == null || policy.spf() == null ? PolicyMode.TAG : policy.spf();
        d.dmarcMode = policy == null || policy.dmarc() == null ? PolicyMode.TAG : policy.dmarc();
        d.dnsblZones = policy == null ? List.of() : normaliseZones(policy.dnsblZones());
        d.createdAt = Instant.now();
        d.updatedAt = d.createdAt;
        d.verification = verifications.newClaim(caller, d.createdAt);
        return outbox.transaction(() -> tenants.requireTenantOfRequest(caller, tenantId)
                        .chain(() -> ApiProblem.failIfTaken(domains.claimedBy(tenantId, name),
                                "domain " + name + " already exists"))
                        .chain(() -> verifications.requireClaimable(d))
                        .chain(() -> domains.persistAndFlush(d))
                        .chain(() -> verifications.claimed(d)))
                .map(x -> DomainMapper.toView(d));
    }

    public Uni<DomainView> get(Caller caller, UUID id) {
        return Panache.withSession(() -> domains.findVisible(caller, id)).map(DomainMapper::toView);
    }

    public Uni<Page<DomainView>> list(Caller caller, PageRequest page, String name) {
        String filter = name == null || name.isBlank() ? null : normaliseName("name", name);
        return Panache.withSession(() -> domains.listVisible(caller, page, filter))
                .map(rows -> Page.of(rows, page.limit(), DomainMapper::toView, d -> d.id.toString()));
    }

    public Uni<DomainView> update(Caller caller, UUID id, UpdateDomain request) {
        List<NextHop> hops = normaliseHops(request.nextHops());
        requireHopsWhenInbound(request.inboundEnabled(), hops);
        return change(caller, id, request.version(), d -> {
            d.inboundEnabled = request.inboundEnabled();
            d.nextHops = hops;
            d.recipientListOnly = request.recipientListOnly();
            d.maxMessageSize = request.maxMessageSize();
            d.outboundAllowed = request.outboundAllowed();
        });
    }

    /**
     * Applies {@code edit} to the domain if {@code expectedVersion} is current (else 409), flushes so the version
     * is incremented, and writes the new state to the outbox in the same transaction.
     */
    public Uni<DomainView> change(Caller caller, UUID id, long expectedVersion, Consumer<Domain> edit) {
        return outbox.transaction(() -> domains.findVisible(caller, id)
                        .chain(d -> {
                            if (d.version != expectedVersion) {
                                return Uni.createFrom().failure(ApiProblem.stale("domain", id, expectedVersion, d.version));
                            }
                            edit.accept(d);
                            d.updatedAt = Instant.now();
                            return domains.flush().replaceWith(d);
                        })
                        .call(d -> publication.changed(d)))
                .map(DomainMapper::toView);
    }

    /** Deletes the domain and its recipients; a verified domain publishes a tombstone for each. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return outbox.transaction(() -> domains.findVisible(caller, id)
                        .chain(d -> recipients.ofDomain(d.tenantId, d.id)
                                .chain(list -> publication.deleted(d, list))
                                .chain(() -> recipients.deleteOfDomain(d.tenantId, d.id))
                                .chain(() -> domains.delete(d))));
    }

    static String normaliseName(String field, String raw) {
        return DomainNames.normalise(raw).orElseThrow(() -> invalid(field, "not a valid domain name: " + raw));
    }

    /** DNSBL zones as normalised names without duplicates (also used by the policy feature). */
    public static List<String> normaliseZones(List<String> zones) {
        if (zones == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            String zone = normaliseName("dnsblZones[" + i + "]", zones.get(i));
            if (!out.contains(zone)) {
                out.add(zone);
            }
        }
        return List.copyOf(out);
    }

    private List<NextHop> normaliseHops(List<NextHopInput> inputs) {
        if (inputs == null) {
            return List.of();
        }
        NetworkPolicy network = config.network().policy();
        List<NextHop> hops = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            NextHopInput in = inputs.get(i);
            String host = RemoteHosts.normalise("nextHops[" + i + "].host", in.host(), network);
            if (in.port() > 0 && !network.allowsPort(in.port())) {
                throw invalid("nextHops[" + i + "].port", "next hops must use an SMTP port ("
                        + config.network().allowedPorts() + "): " + in.port());
            }
            hops.add(new NextHop(host, in.port(), in.preference(), in.tls() == null ? TlsPolicy.OPPORTUNISTIC : in.tls()));
        }
        hops.sort(Comparator.comparingInt(NextHop::preference));
        return List.copyOf(hops);
    }

    private static void requireHopsWhenInbound(boolean inbound, List<NextHop> hops) {
        if (inbound && hops.isEmpty()) {
            throw invalid("nextHops", "an inbound domain needs at least one next hop");
        }
    }

    private static ApiProblem invalid(String field, String message) {
        return new ApiProblem(ProblemType.VALIDATION, field + ": " + message, List.of(new FieldError(field, message)));
    }
}
