package org.securemail.provisioning.suppression;

import java.util.Locale;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.provisioning.api.Created;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.idempotency.IdempotencyKey;
import org.securemail.provisioning.idempotency.Idempotent;
import org.securemail.provisioning.suppression.SuppressionDtos.CreateSuppression;
import org.securemail.provisioning.suppression.SuppressionDtos.SuppressionView;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/suppressions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "suppressions", description = "Per-tenant suppression lists: submissions to these addresses are refused at RCPT")
public class SuppressionResource {

    @Inject
    SuppressionService service;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @Idempotent
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = IdempotencyKey.DESCRIPTION,
            schema = @Schema(type = SchemaType.STRING, maxLength = IdempotencyKey.MAX_LENGTH))
    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names the new entry",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuppressionView.class)))
    @Operation(operationId = "addSuppression", summary = "Add an address to a tenant's suppression list")
    public Uni<RestResponse<SuppressionView>> add(@Valid @NotNull CreateSuppression body) {
        return service.add(caller.get(), body).map(s -> Created.at("/api/v1/suppressions/" + s.id(), s));
    }

    @GET
    @Operation(operationId = "listSuppressions",
            summary = "List suppressed addresses, a page at a time, optionally of one domain or one reason")
    public Uni<Page<SuppressionView>> list(
            @Parameter(description = "only addresses at this domain", example = "example.net") @QueryParam("domain") String domain,
            @Parameter(description = "HARD_BOUNCE, MANUAL or COMPLAINT", example = "HARD_BOUNCE") @QueryParam("reason") String reason,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(caller.get(), blankToNull(domain), reason(reason), PageRequest.of(limit, cursor, config));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getSuppression", summary = "Read one suppressed address")
    public Uni<SuppressionView> get(@PathParam("id") UUID id) {
        return service.get(caller.get(), id);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "removeSuppression", summary = "Remove an address from the suppression list: submissions to it are accepted again")
    public Uni<Void> remove(@PathParam("id") UUID id) {
        return service.remove(caller.get(), id);
    }

    private static SuppressionReason reason(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return SuppressionReason.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("reason must be one of HARD_BOUNCE, MANUAL, COMPLAINT");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
