package org.securemail.provisioning.domain.verification;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.domain.DomainDtos.DomainView;
import org.securemail.provisioning.domain.DomainMapper;
import org.securemail.provisioning.domain.DomainRepository;
import org.securemail.provisioning.outbox.Outbox;

import io.smallrye.mutiny.Uni;

/**
 * Domain verification by hand: a tenant asks for a check now (after publishing its TXT record, or to reopen an
 * expired claim); an operator verifies a claim without DNS. The state itself is part of every domain view.
 */
@Path("/api/v1/domains/{id}/verification")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "domains")
public class VerificationResource {

    @Inject
    DomainRepository domains;

    @Inject
    DomainVerifications verifications;

    @Inject
    Outbox outbox;

    @Inject
    CurrentCaller caller;

    /** Schedules a DNS check of the claim for the next poll (202); a verified claim is returned as it is. */
    @POST
    @Path("check")
    @APIResponse(responseCode = "202", description = "Accepted; checked at the next poll, see verification.lastCheck",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainView.class)))
    @Operation(operationId = "checkDomainVerification", summary = "Look for the verification TXT record at the next poll")
    public Uni<RestResponse<DomainView>> check(@PathParam("id") UUID id) {
        Caller c = caller.get();
        return outbox.transaction(() -> domains.findVisible(c, id).chain(d -> verifications.reopen(d, Instant.now())))
                .map(d -> RestResponse.accepted(DomainMapper.toView(d)));
    }

    /** Operator only: verifies the claim by hand; 409 if another tenant holds the name. */
    @POST
    @Path("verify")
    @Operation(operationId = "verifyDomainByHand", summary = "Mark a domain verified without DNS (operator)")
    public Uni<DomainView> verify(@PathParam("id") UUID id) {
        Caller c = caller.get();
        c.requireOperator();
        return outbox.transaction(() -> domains.findVisible(c, id).chain(d -> verifications.verifyByOperator(d, Instant.now())))
                .map(DomainMapper::toView);
    }
}
