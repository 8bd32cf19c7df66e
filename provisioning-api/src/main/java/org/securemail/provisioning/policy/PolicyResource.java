package org.securemail.provisioning.policy;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.policy.PolicyDtos.PolicyView;
import org.securemail.provisioning.policy.PolicyDtos.UpdatePolicy;

import io.smallrye.mutiny.Uni;

/** The inspection policy of a domain ({@link PolicyService}). */
@Path("/api/v1/domains/{domainId}/policy")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "policies", description = "SPF/DMARC enforcement and DNSBL zones of a domain")
public class PolicyResource {

    @Inject
    PolicyService policies;

    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "getDomainPolicy", summary = "Read a domain's inbound security policy")
    public Uni<PolicyView> get(@PathParam("domainId") UUID domainId) {
        return policies.get(caller.get(), domainId);
    }

    @PUT
    @Operation(operationId = "updateDomainPolicy", summary = "Replace a domain's inbound security policy")
    public Uni<PolicyView> update(@PathParam("domainId") UUID domainId, @Valid @NotNull UpdatePolicy body) {
        return policies.replace(caller.get(), domainId, body);
    }
}
