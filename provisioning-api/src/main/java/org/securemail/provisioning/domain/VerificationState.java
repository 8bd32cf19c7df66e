package org.securemail.provisioning.domain;

/** Where a tenant's claim on a domain name stands. Only a {@link #VERIFIED} claim takes effect. */
public enum VerificationState {
    /** Waiting for the token in DNS; checked with backoff. */
    PENDING,
    /** The name is this tenant's: routed, relayed and usable for submission. At most one claim per name. */
    VERIFIED,
    /** Another tenant verified the name first. */
    REFUSED,
    /** Not verified within the verification window; a tenant can ask for a new check. */
    EXPIRED
}
