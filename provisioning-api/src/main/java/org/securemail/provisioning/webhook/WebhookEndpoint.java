package org.securemail.provisioning.webhook;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.securemail.provisioning.domain.JsonListConverters;
import org.securemail.provisioning.tenant.TenantOwned;

/**
 * One of a tenant's webhook endpoints. Created and deleted through the entity; every later change (failures,
 * disabling, enabling, a rotated secret) is a targeted update of its own columns ({@link WebhookEndpointRepository},
 * {@link WebhookEndpoints}), so the dispatcher's bookkeeping and the API never overwrite each other's fields.
 */
@Entity
@Table(name = "webhook_endpoint")
public class WebhookEndpoint extends TenantOwned {

    @Column(nullable = false, updatable = false)
    public String url;

    /** Wire names ({@code WebhookEventType.wireName}). */
    @Convert(converter = JsonListConverters.Strings.class)
    @Column(name = "event_types", nullable = false, updatable = false)
    public List<String> eventTypes;

    @Column(updatable = false)
    public String description;

    /** {@link WebhookSecrets} stored form: never returned. */
    @Column(nullable = false)
    public String secret;

    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_expires_at")
    public Instant previousSecretExpiresAt;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "disabled_at")
    public Instant disabledAt;

    @Column(name = "disabled_reason")
    public String disabledReason;

    @Column(name = "failing_since")
    public Instant failingSince;

    @Column(name = "consecutive_failures", nullable = false)
    public int consecutiveFailures;

    @Column(name = "last_failure")
    public String lastFailure;

    @Column(name = "last_failure_at")
    public Instant lastFailureAt;

    @Column(name = "last_success_at")
    public Instant lastSuccessAt;
}
