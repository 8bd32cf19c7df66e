package org.securemail.provisioning.webhook;

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
import org.securemail.provisioning.api.Created;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.idempotency.IdempotencyKey;
import org.securemail.provisioning.idempotency.Idempotent;
import org.securemail.provisioning.webhook.WebhookDtos.CreateWebhook;
import org.securemail.provisioning.webhook.WebhookDtos.WebhookEventPage;
import org.securemail.provisioning.webhook.WebhookDtos.WebhookView;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks", description = "Signed HTTPS callbacks to the tenant for delivery, deferral, bounce, quarantine and"
        + " complaint events, retried with backoff and disabled after a long failure")
public class WebhookResource {

    @Inject
    WebhookService service;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @Idempotent
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = IdempotencyKey.DESCRIPTION
            + " A replayed answer never holds the secret: it is shown once; rotate it if that answer was lost.",
            schema = @Schema(type = SchemaType.STRING, maxLength = IdempotencyKey.MAX_LENGTH))
    @POST
    @APIResponse(responseCode = "201", description = "Created; the answer holds the signing secret, shown this once",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = WebhookView.class)))
    @Operation(operationId = "createWebhook", summary = "Add a webhook endpoint; its signing secret is in this answer only")
    public Uni<RestResponse<WebhookView>> create(@Valid @NotNull CreateWebhook body) {
        return service.create(caller.get(), body).map(w -> Created.at("/api/v1/webhooks/" + w.id(), w));
    }

    @GET
    @Operation(operationId = "listWebhooks", summary = "List webhook endpoints, a page at a time")
    public Uni<Page<WebhookView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(caller.get(), PageRequest.of(limit, cursor, config));
    }

    @GET
    @Path("events")
    @Operation(operationId = "listWebhookEvents",
            summary = "List the events raised about the webhooks themselves (webhook.disabled), oldest first")
    public Uni<WebhookEventPage> events(
            @Parameter(description = "only events of this type", example = "webhook.disabled") @QueryParam("type") String type,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.events(caller.get(), type == null || type.isBlank() ? null : type.trim(),
                PageRequest.of(limit, cursor, config)).map(p -> new WebhookEventPage(p.items(), p.nextCursor()));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getWebhook", summary = "Read one webhook endpoint and its failure record")
    public Uni<WebhookView> get(@PathParam("id") UUID id) {
        return service.get(caller.get(), id);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteWebhook", summary = "Delete a webhook endpoint: nothing more is sent to it")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return service.delete(caller.get(), id);
    }

    @POST
    @Path("{id}/rotate-secret")
    @Operation(operationId = "rotateWebhookSecret",
            summary = "Give the endpoint a new signing secret (in this answer only); the old one signs too for a while")
    public Uni<WebhookView> rotate(@PathParam("id") UUID id) {
        return service.rotate(caller.get(), id);
    }

    @POST
    @Path("{id}/enable")
    @Operation(operationId = "enableWebhook",
            summary = "Enable a disabled webhook endpoint again; the events it missed are not sent again")
    public Uni<WebhookView> enable(@PathParam("id") UUID id) {
        return service.enable(caller.get(), id);
    }
}
