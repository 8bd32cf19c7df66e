package org.securemail.provisioning.recipient;

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

import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.securemail.provisioning.idempotency.Idempotent;
import org.securemail.provisioning.idempotency.IdempotencyKey;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.api.Created;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.recipient.RecipientDtos.CreateRecipient;
import org.securemail.provisioning.recipient.RecipientDtos.RecipientView;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/domains/{domainId}/recipients")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "recipients", description = "Accepted local parts of a recipient-list domain")
public class RecipientResource {

    @Inject
    RecipientService service;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @Idempotent
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = IdempotencyKey.DESCRIPTION,
            schema = @Schema(type = SchemaType.STRING, maxLength = IdempotencyKey.MAX_LENGTH))
    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RecipientView.class)))
    @Operation(operationId = "addRecipient", summary = "Add a recipient to a domain's recipient list")
    public Uni<RestResponse<RecipientView>> add(@PathParam("domainId") UUID domainId,
            @Valid @NotNull CreateRecipient body) {
        return service.add(caller.get(), domainId, body)
                .map(r -> Created.at("/api/v1/domains/" + domainId + "/recipients/" + r.id(), r));
    }

    @GET
    @Operation(operationId = "listRecipients", summary = "List a domain's recipients, a page at a time")
    public Uni<Page<RecipientView>> list(@PathParam("domainId") UUID domainId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        return service.list(caller.get(), domainId, PageRequest.of(limit, cursor, config));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getRecipient", summary = "Read one recipient")
    public Uni<RecipientView> get(@PathParam("domainId") UUID domainId, @PathParam("id") UUID id) {
        return service.get(caller.get(), domainId, id);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "removeRecipient", summary = "Remove a recipient from a domain's recipient list")
    public Uni<Void> remove(@PathParam("domainId") UUID domainId, @PathParam("id") UUID id) {
        return service.remove(caller.get(), domainId, id);
    }
}
