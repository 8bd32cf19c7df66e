package org.securemail.common.webhook;

import java.time.Instant;

/**
 * One event on its way to one endpoint, on {@code webhooks.deliveries} and the retry tiers {@code webhooks.retry.N}
 * (key: the endpoint id). The provisioning API writes it through its outbox and is its only reader.
 *
 * @param endpointId the endpoint to send to
 * @param tenantId   its tenant
 * @param eventId    the event's id: the same on every attempt and for every endpoint, so receivers can drop repeats
 * @param eventType  the event's wire name ({@link WebhookEventType#wireName()})
 * @param body       the JSON document sent as the request body, exactly as signed
 * @param attempt    the number of the attempt this record is for (1 on {@code webhooks.deliveries})
 * @param createdAt  when the event was made
 * @param dueAt      on a retry tier: when the attempt is due; null for the first attempt
 */
public record WebhookDelivery(String endpointId, String tenantId, String eventId, String eventType, String body,
        int attempt, Instant createdAt, Instant dueAt) {

    /** The same delivery for the attempt after this one, due at {@code due}. */
    public WebhookDelivery next(Instant due) {
        return new WebhookDelivery(endpointId, tenantId, eventId, eventType, body, attempt + 1, createdAt, due);
    }

    /** The same attempt again at {@code due} (the endpoint was busy: nothing was sent, nothing counted). */
    public WebhookDelivery later(Instant due) {
        return new WebhookDelivery(endpointId, tenantId, eventId, eventType, body, attempt, createdAt, due);
    }
}
