package org.securemail.common.provisioning;

/** Why an address is on a tenant's suppression list. */
public enum SuppressionReason {
    /** A next hop refused the recipient permanently (a 5.1.x or 5.2.1 reply; ADR 0075). */
    HARD_BOUNCE,
    /** Added through the API. */
    MANUAL,
    /** Reserved for feedback-loop complaints (not produced yet). */
    COMPLAINT
}
