package org.securemail.provisioning.apikey;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.idempotency.IdempotencyKey;
import org.securemail.provisioning.api.Created;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.apikey.ApiKeyDtos.ApiKeyView;
import org.securemail.provisioning.apikey.ApiKeyDtos.CreateApiKey;
import org.securemail.provisioning.apikey.ApiKeyDtos.CreatedApiKey;
import org.securemail.provisioning.auth.CurrentCaller;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "api-keys", description = "API keys; the key is shown once, at creation, and stored hashed")
public class ApiKeyResource {

    @Inject
    ApiKeyService service;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = CreatedApiKey.class)))
    @Operation(operationId = "createApiKey", summary = "Create an API key; the key is shown only in this response")
    public Uni<RestResponse<CreatedApiKey>> create(@Valid @NotNull CreateApiKey body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        if (idempotencyKey != null) {
            // the answer holds the new key's secret, which is never stored: it cannot be given again (ADR 0074)
            throw ApiProblem.badRequest(IdempotencyKey.HEADER + " is not accepted when creating an API key: the key is"
                    + " shown once and never stored, so the answer cannot be repeated; list the keys to see whether"
                    + " the first request created one");
        }
        return service.create(caller.get(), body).map(k -> Created.at("/api/v1/api-keys/" + k.id(), k));
    }

    @GET
    @Operation(operationId = "listApiKeys", summary = "List API keys (prefixes only), a page at a time")
    public Uni<Page<ApiKeyView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(caller.get(), PageRequest.of(limit, cursor, config));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getApiKey", summary = "Read one API key (prefix only)")
    public Uni<ApiKeyView> get(@PathParam("id") UUID id) {
        return service.get(caller.get(), id);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key")
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return service.revoke(caller.get(), id);
    }
}
