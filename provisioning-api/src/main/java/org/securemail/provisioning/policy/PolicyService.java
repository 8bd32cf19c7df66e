package org.securemail.provisioning.policy;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.domain.DomainDtos.DomainView;
import org.securemail.provisioning.domain.DomainService;
import org.securemail.provisioning.policy.PolicyDtos.PolicyView;
import org.securemail.provisioning.policy.PolicyDtos.UpdatePolicy;

import io.smallrye.mutiny.Uni;

/**
 * The inspection policy of a domain. It lives on the domain row and travels in {@code DomainRecord.policy}, so a
 * change is a domain change: the version goes up and the domain is republished.
 */
@ApplicationScoped
public class PolicyService {

    @Inject
    DomainService domains;

    public Uni<PolicyView> get(Caller caller, UUID domainId) {
        return domains.get(caller, domainId).map(DomainView::policy);
    }

    public Uni<PolicyView> replace(Caller caller, UUID domainId, UpdatePolicy request) {
        List<String> zones = DomainService.normaliseZones(request.dnsblZones());
        return domains.change(caller, domainId, request.version(), d -> {
            d.spfMode = request.spf();
            d.dmarcMode = request.dmarc();
            d.dnsblZones = zones;
        }).map(DomainView::policy);
    }
}
