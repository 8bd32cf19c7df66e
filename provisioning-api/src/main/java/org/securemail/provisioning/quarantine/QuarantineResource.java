package org.securemail.provisioning.quarantine;

import java.net.URI;
import java.util.Locale;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.quarantine.QuarantineDtos.QuarantinedMessage;

@Path("/api/v1/quarantine")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "quarantine", description = "Inbound mail a domain's inspection policy held: list, release, delete")
public class QuarantineResource {

    @Inject
    QuarantineService quarantine;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    /**
     * Oldest id first; {@code state} filters (HELD, RELEASING, RELEASED, DELETED, EXPIRED); {@code tenantId} is for
     * operators.
     */
    @GET
    @Operation(operationId = "listQuarantine", summary = "Quarantined messages, a page at a time")
    public Uni<Page<QuarantinedMessage>> list(@QueryParam("state") String state, @QueryParam("tenantId") UUID tenantId,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return quarantine.list(caller.get(), tenantId, state(state), PageRequest.of(limit, cursor, config));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getQuarantined", summary = "One quarantined message: who, why, and its state")
    public Uni<QuarantinedMessage> get(@PathParam("id") UUID id) {
        return quarantine.get(caller.get(), id);
    }

    /**
     * 200 with the message RELEASED once mail.ready has it. 202 with the message still RELEASING when the broker's
     * answer did not come: the release is committed to and finished by the sweeper (ADR 0073); poll the message,
     * do not release it again (that is 409 while it is RELEASING). 503 when it certainly was not written: still HELD.
     */
    @POST
    @Path("{id}/release")
    @APIResponse(responseCode = "200", description = "Released: the message is on mail.ready",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = QuarantinedMessage.class)))
    @APIResponse(responseCode = "202", description = "Release under way (state RELEASING): the broker did not confirm"
            + " the write in time; it is written again after provisioning.quarantine.release-retry-after. Poll the"
            + " Location, after Retry-After seconds",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = QuarantinedMessage.class)))
    @Operation(operationId = "releaseQuarantined",
            summary = "Deliver a held message after all: it goes to mail.ready (409 unless held, 410 once expired)")
    public Uni<RestResponse<QuarantinedMessage>> release(@PathParam("id") UUID id) {
        return quarantine.release(caller.get(), id).map(m -> m.state() == QuarantineState.RELEASED
                ? RestResponse.ok(m)
                : RestResponse.ResponseBuilder.accepted(m).location(URI.create("/api/v1/quarantine/" + id))
                        // the earliest the sweeper writes it again (it may take one more sweep interval)
                        .header(HttpHeaders.RETRY_AFTER, config.quarantine().releaseRetryAfter().toSeconds()).build());
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteQuarantined", summary = "Never deliver a held message (409 unless held)")
    public Uni<QuarantinedMessage> delete(@PathParam("id") UUID id) {
        return quarantine.delete(caller.get(), id);
    }

    private static QuarantineState state(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return QuarantineState.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("state must be one of HELD, RELEASING, RELEASED, DELETED, EXPIRED");
        }
    }
}
