package org.securemail.provisioning.domain;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import org.securemail.provisioning.domain.DomainDtos.CreateDomain;
import org.securemail.provisioning.domain.DomainDtos.DomainView;
import org.securemail.provisioning.domain.DomainDtos.UpdateDomain;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/domains")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "domains", description = "Mail domains of a tenant: inbound relay route, outbound permission")
public class DomainResource {

    @Inject
    DomainService service;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @Idempotent
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = IdempotencyKey.DESCRIPTION,
            schema = @Schema(type = SchemaType.STRING, maxLength = IdempotencyKey.MAX_LENGTH))
    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainView.class)))
    @Operation(operationId = "createDomain", summary = "Claim a domain; it takes effect once verified")
    public Uni<RestResponse<DomainView>> create(@Valid @NotNull CreateDomain body) {
        return service.create(caller.get(), body).map(d -> Created.at("/api/v1/domains/" + d.id(), d));
    }

    /** Domains visible to the caller, by id; {@code name} filters on one domain name (Unicode or A-label). */
    @GET
    @Operation(operationId = "listDomains", summary = "List domains, a page at a time")
    public Uni<Page<DomainView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor,
            @QueryParam("name") String name) {
        return service.list(caller.get(), PageRequest.of(limit, cursor, config), name);
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getDomain", summary = "Read one domain with its verification state")
    public Uni<DomainView> get(@PathParam("id") UUID id) {
        return service.get(caller.get(), id);
    }

    @PUT
    @Path("{id}")
    @Operation(operationId = "updateDomain", summary = "Replace a domain's relay settings (optimistic locking on version)")
    public Uni<DomainView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateDomain body) {
        return service.update(caller.get(), id, body);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteDomain", summary = "Delete a domain")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return service.delete(caller.get(), id);
    }
}
