package org.securemail.provisioning.smtpuser;

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
import org.securemail.provisioning.smtpuser.SmtpUserDtos.CreateSmtpUser;
import org.securemail.provisioning.smtpuser.SmtpUserDtos.SmtpUserView;
import org.securemail.provisioning.smtpuser.SmtpUserDtos.UpdateSmtpUser;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/smtp-users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "smtp-users", description = "Submission credentials; passwords are stored as bcrypt and never returned")
public class SmtpUserResource {

    @Inject
    SmtpUserService service;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @Idempotent
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = IdempotencyKey.DESCRIPTION,
            schema = @Schema(type = SchemaType.STRING, maxLength = IdempotencyKey.MAX_LENGTH))
    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SmtpUserView.class)))
    @Operation(operationId = "createSmtpUser", summary = "Create a submission user (SMTP AUTH credentials)")
    public Uni<RestResponse<SmtpUserView>> create(@Valid @NotNull CreateSmtpUser body) {
        return service.create(caller.get(), body).map(u -> Created.at("/api/v1/smtp-users/" + u.id(), u));
    }

    @GET
    @Operation(operationId = "listSmtpUsers", summary = "List submission users, a page at a time")
    public Uni<Page<SmtpUserView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(caller.get(), PageRequest.of(limit, cursor, config));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getSmtpUser", summary = "Read one submission user")
    public Uni<SmtpUserView> get(@PathParam("id") UUID id) {
        return service.get(caller.get(), id);
    }

    @PUT
    @Path("{id}")
    @Operation(operationId = "updateSmtpUser", summary = "Change a submission user's password or enabled flag")
    public Uni<SmtpUserView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateSmtpUser body) {
        return service.update(caller.get(), id, body);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteSmtpUser", summary = "Delete a submission user")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return service.delete(caller.get(), id);
    }
}
