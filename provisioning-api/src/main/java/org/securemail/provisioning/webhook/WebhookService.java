package org.securemail.provisioning.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.webhook.WebhookEventType;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.network.RemoteHosts;
import org.securemail.provisioning.tenant.TenantRepository;
import org.securemail.provisioning.webhook.WebhookDtos.CreateWebhook;
import org.securemail.provisioning.webhook.WebhookDtos.WebhookView;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Webhook endpoints through the API (ADR 0078). Every query is scoped to the caller's tenant. */
@ApplicationScoped
public class WebhookService {

    @Inject
    WebhookEndpointRepository webhooks;

    @Inject
    WebhookEventRepository events;

    @Inject
    TenantRepository tenants;

    @Inject
    WebhookSecrets secrets;

    @Inject
    ProvisioningConfig config;

    @Inject
    ObjectMapper json;

    /** A new endpoint; the answer carries its secret, the only time it is shown. */
    public Uni<WebhookView> create(Caller caller, CreateWebhook request) {
        UUID tenantId = caller.tenantFor(request.tenantId());
        ProvisioningConfig.Webhooks settings = config.webhooks();
        URI url = WebhookUrls.normalise(request.url(), settings.network().policy(), settings.allowHttp());
        List<String> types = eventTypes(request.eventTypes());
        String description = request.description() == null || request.description().isBlank() ? null
                : request.description().trim();
        int max = settings.maxPerTenant();
        return Panache.withTransaction(() -> tenants.requireTenantOfRequest(caller, tenantId)
                .chain(() -> webhooks.countOf(tenantId))
                .chain(n -> {
                    if (n >= max) {
                        return Uni.createFrom().failure(ApiProblem.conflict("a tenant has at most " + max
                                + " webhooks; delete one first"));
                    }
                    String secret = secrets.generate();
                    WebhookEndpoint w = new WebhookEndpoint();
                    w.id = UUID.randomUUID();
                    w.tenantId = tenantId;
                    w.url = url.toString();
                    w.eventTypes = types;
                    w.description = description;
                    w.secret = secrets.seal(w.id, secret);
                    w.enabled = true;
                    w.createdAt = Instant.now();
                    return webhooks.persistAndFlush(w).map(saved -> WebhookView.withSecret(saved, secret));
                }));
    }

    public Uni<Page<WebhookView>> list(Caller caller, PageRequest page) {
        return Panache.withSession(() -> webhooks.listVisible(caller, page)
                .map(rows -> Page.of(rows, page.limit(), WebhookView::of, w -> w.id.toString())));
    }

    public Uni<WebhookView> get(Caller caller, UUID id) {
        return Panache.withSession(() -> webhooks.findVisible(caller, id).map(WebhookView::of));
    }

    /** Deletes the endpoint; deliveries already queued for it are dropped when they come up. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return Panache.withTransaction(() -> webhooks.findVisible(caller, id).call(webhooks::delete)).replaceWithVoid();
    }

    /**
     * A new secret, shown in this answer only. Events are signed with the old one too (a second {@code v1}) for
     * {@code rotation-overlap}, so receivers can switch without losing any.
     */
    public Uni<WebhookView> rotate(Caller caller, UUID id) {
        String secret = secrets.generate();
        Instant previousUntil = Instant.now().plus(config.webhooks().rotationOverlap());
        return Panache.withTransaction(() -> webhooks.findVisible(caller, id)
                        .call(w -> webhooks.rotate(w.id, secrets.seal(w.id, secret), previousUntil)))
                .chain(() -> Panache.withSession(() -> webhooks.findVisible(caller, id)))
                .map(w -> WebhookView.withSecret(w, secret));
    }

    /** Enables a disabled endpoint again, with a clean failure record; events it missed are not sent again. */
    public Uni<WebhookView> enable(Caller caller, UUID id) {
        return Panache.withTransaction(() -> webhooks.findVisible(caller, id).call(w -> webhooks.enable(w.id)))
                .chain(() -> Panache.withSession(() -> webhooks.findVisible(caller, id)))
                .map(WebhookView::of);
    }

    /** The events the API raised about the caller's webhooks, oldest first. */
    public Uni<Page<JsonNode>> events(Caller caller, String type, PageRequest page) {
        if (type != null && !type.equals(WebhookEventType.WEBHOOK_DISABLED.wireName())) {
            throw ApiProblem.badRequest("type must be " + WebhookEventType.WEBHOOK_DISABLED.wireName());
        }
        return Panache.withSession(() -> events.listVisible(caller, type, page)
                .map(rows -> Page.of(rows, page.limit(), this::document, e -> e.id.toString())));
    }

    /** Removes a tenant's webhooks and their events (the tenant is being deleted); runs in the caller's transaction. */
    public Uni<Void> removeAllOf(UUID tenantId) {
        return events.deleteAllOf(tenantId).chain(() -> webhooks.deleteAllOf(tenantId)).replaceWithVoid();
    }

    private JsonNode document(WebhookEventRow row) {
        try {
            return json.readTree(row.payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook event " + row.id + " is not JSON", e);
        }
    }

    /** Known wire names, without repeats, in the order given; 400 naming the entry otherwise. */
    static List<String> eventTypes(List<String> given) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String name = given.get(i).trim();
            if (WebhookEventType.fromWire(name).isEmpty()) {
                throw RemoteHosts.invalid("eventTypes[" + i + "]", "not an event type; one of "
                        + Arrays.stream(WebhookEventType.values()).map(WebhookEventType::wireName).toList());
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }
}
