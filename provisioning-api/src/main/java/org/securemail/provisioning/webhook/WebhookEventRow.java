package org.securemail.provisioning.webhook;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An event the API raised about a tenant's webhooks ({@code webhook.disabled}), as sent: listed by the API. */
@Entity
@Table(name = "webhook_event")
public class WebhookEventRow {

    /** Time-ordered ({@link WebhookEvents#timeOrderedId}), so the list's id order is its time order. */
    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public UUID tenantId;

    @Column(name = "endpoint_id", updatable = false)
    public UUID endpointId;

    @Column(nullable = false, updatable = false)
    public String type;

    /** The event's JSON document, exactly as sent to the tenant's endpoints. */
    @Column(nullable = false, updatable = false)
    public String payload;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;
}
