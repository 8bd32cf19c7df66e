package org.securemail.common.provisioning;

/** One accepted recipient of a recipient-list domain, on {@code provisioning.recipients} keyed by {@code local@domain}. */
public record RecipientRecord(String domain, String localPart, String tenantId) {

    public String key() {
        return localPart + "@" + domain;
    }
}
