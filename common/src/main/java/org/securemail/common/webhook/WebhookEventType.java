package org.securemail.common.webhook;

import java.util.Optional;

/**
 * What a tenant's webhook endpoint can be sent (issue 16). The wire name ({@link #wireName()}) is what the event's
 * {@code type} field, the {@code Securemail-Event-Type} header and an endpoint's {@code eventTypes} say.
 */
public enum WebhookEventType {
    /** A next hop accepted the message for one recipient (a {@code DELIVERED} delivery event). */
    MESSAGE_DELIVERED("message.delivered"),
    /** An attempt for one recipient failed temporarily; another follows (a {@code DEFERRED} delivery event). */
    MESSAGE_DEFERRED("message.deferred"),
    /** One recipient failed for good (a {@code BOUNCED} delivery event). */
    MESSAGE_BOUNCED("message.bounced"),
    /** Inbound mail a domain's policy held (a record of {@code mail.quarantine}). */
    MESSAGE_QUARANTINED("message.quarantined"),
    /**
     * A recipient reported a message as spam (a feedback-loop report). Defined so that endpoints can subscribe, but
     * not produced yet: no complaint intake exists (docs/adr/0078).
     */
    MESSAGE_COMPLAINED("message.complained"),
    /** One of the tenant's endpoints failed for too long and was disabled. */
    WEBHOOK_DISABLED("webhook.disabled");

    private final String wireName;

    WebhookEventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The type of a wire name, exactly as {@link #wireName()} spells it. */
    public static Optional<WebhookEventType> fromWire(String name) {
        for (WebhookEventType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
