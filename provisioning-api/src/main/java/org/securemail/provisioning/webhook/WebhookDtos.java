package org.securemail.provisioning.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** JSON bodies of {@code /api/v1/webhooks}. */
public final class WebhookDtos {

    /** Event types one endpoint may list (there are six). */
    static final int MAX_EVENT_TYPES = 10;
    static final int MAX_DESCRIPTION = 200;

    private WebhookDtos() {
    }

    /**
     * @param tenantId    required with an operator key; a tenant key may omit it (its own tenant)
     * @param url         where events are POSTed: https (http only where the operator allows it), a public host, an
     *                    allowed port, at most 2048 characters
     * @param eventTypes  what the endpoint is sent: {@code message.delivered}, {@code message.deferred},
     *                    {@code message.bounced}, {@code message.quarantined}, {@code message.complained},
     *                    {@code webhook.disabled}
     * @param description free text for the tenant, at most 200 characters
     */
    @Schema(example = "{\"url\": \"https://hooks.acme.example/securemail\", \"eventTypes\": [\"message.bounced\","
            + " \"message.quarantined\", \"webhook.disabled\"], \"description\": \"bounce handling\"}")
    public record CreateWebhook(UUID tenantId,
            @NotBlank @Size(max = WebhookUrls.MAX_LENGTH) String url,
            @NotNull @Size(min = 1, max = MAX_EVENT_TYPES) List<@NotBlank @Size(max = 40) String> eventTypes,
            @Size(max = MAX_DESCRIPTION) String description) {
    }

    /**
     * An endpoint. {@code secret} is present only in the answers that make one (create and rotate): it is shown once.
     * {@code enabled} false means the endpoint failed for too long ({@code disabledAt}, {@code disabledReason}) and
     * is sent nothing until it is enabled again; {@code failingSince} is the first failure since the last success.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"id\": \"5d1f9a2e-0c7b-4b8e-9f3a-6e2d1c0b9a87\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\","
            + " \"url\": \"https://hooks.acme.example/securemail\", \"eventTypes\": [\"message.bounced\"],"
            + " \"description\": \"bounce handling\", \"enabled\": true, \"consecutiveFailures\": 0,"
            + " \"secret\": \"whsec_q0GhQm3x2tLwM8c1bYvQ0r3f5d8KpZt7nA1sV6eU9iY\", \"createdAt\": \"2026-12-07T10:15:31Z\","
            + " \"version\": 0}")
    public record WebhookView(UUID id, UUID tenantId, String url, List<String> eventTypes, String description,
            boolean enabled, Instant disabledAt, String disabledReason, Instant failingSince, int consecutiveFailures,
            String lastFailure, Instant lastFailureAt, Instant lastSuccessAt, Instant previousSecretExpiresAt,
            String secret, Instant createdAt, long version) {

        static WebhookView of(WebhookEndpoint w) {
            return withSecret(w, null);
        }

        static WebhookView withSecret(WebhookEndpoint w, String secret) {
            Instant previous = w.previousSecretExpiresAt != null && w.previousSecretExpiresAt.isAfter(Instant.now())
                    ? w.previousSecretExpiresAt : null;
            return new WebhookView(w.id, w.tenantId, w.url, w.eventTypes, w.description, w.enabled, w.disabledAt,
                    w.disabledReason, w.failingSince, w.consecutiveFailures, w.lastFailure, w.lastFailureAt,
                    w.lastSuccessAt, previous, secret, w.createdAt, w.version);
        }
    }

    /** A page of events, each the JSON document that was sent (id, type, createdAt, tenantId, data). */
    @Schema(example = "{\"items\": [{\"id\": \"0190a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d\", \"type\": \"webhook.disabled\","
            + " \"createdAt\": \"2026-12-08T10:15:31Z\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\","
            + " \"data\": {\"webhookId\": \"5d1f9a2e-0c7b-4b8e-9f3a-6e2d1c0b9a87\", \"url\":"
            + " \"https://hooks.acme.example/securemail\", \"failingSince\": \"2026-12-07T10:15:02Z\","
            + " \"consecutiveFailures\": 31, \"lastFailure\": \"HTTP 503\", \"disabledAt\": \"2026-12-08T10:15:31Z\","
            + " \"reason\": \"every attempt failed for PT24H (provisioning.webhooks.disable-after)\"}}], \"nextCursor\": null}")
    public record WebhookEventPage(List<JsonNode> items, String nextCursor) {
    }
}
