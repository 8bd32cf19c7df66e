package org.securemail.provisioning.tenant;

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
import org.securemail.provisioning.tenant.TenantDtos.CreateTenant;
import org.securemail.provisioning.tenant.TenantDtos.TenantView;
import org.securemail.provisioning.tenant.TenantDtos.UpdateTenant;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "tenants", description = "Customers of the platform (operator only, except reading one's own tenant)")
public class TenantResource {

    @Inject
    TenantService service;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @Idempotent
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = IdempotencyKey.DESCRIPTION,
            schema = @Schema(type = SchemaType.STRING, maxLength = IdempotencyKey.MAX_LENGTH))
    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TenantView.class)))
    @Operation(operationId = "createTenant", summary = "Create a tenant (operator)")
    public Uni<RestResponse<TenantView>> create(@Valid @NotNull CreateTenant body) {
        return service.create(caller.get(), body).map(t -> Created.at("/api/v1/tenants/" + t.id(), t));
    }

    @GET
    @Operation(operationId = "listTenants", summary = "List tenants, a page at a time")
    public Uni<Page<TenantView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(caller.get(), PageRequest.of(limit, cursor, config));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getTenant", summary = "Read one tenant")
    public Uni<TenantView> get(@PathParam("id") UUID id) {
        return service.get(caller.get(), id);
    }

    @PUT
    @Path("{id}")
    @Operation(operationId = "updateTenant", summary = "Rename a tenant (optimistic locking on version)")
    public Uni<TenantView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateTenant body) {
        return service.update(caller.get(), id, body);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteTenant", summary = "Delete a tenant (operator)")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return service.delete(caller.get(), id);
    }
}
