package org.securemail.provisioning.quarantine;

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
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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

    /** Oldest id first; {@code state} filters (HELD, RELEASED, DELETED, EXPIRED); {@code tenantId} is for operators. */
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

    @POST
    @Path("{id}/release")
    @Operation(operationId = "releaseQuarantined",
            summary = "Deliver a held message after all: it goes to mail.ready (409 unless held, 410 once expired)")
    public Uni<QuarantinedMessage> release(@PathParam("id") UUID id) {
        return quarantine.release(caller.get(), id);
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
