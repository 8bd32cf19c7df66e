package org.securemail.provisioning.domain.verification;

/** What one step of a domain's verification found; the wire value of {@code DomainVerificationEvent.outcome}. */
public enum CheckOutcome {
    /** The claim was opened; the tenant is to publish the token. */
    CREATED,
    /** The token is in DNS. */
    FOUND,
    /** The name has no TXT record at the verification label (NXDOMAIN or NODATA). */
    MISSING,
    /** TXT records exist at the label, none with this claim's token. */
    MISMATCH,
    /** The DNS lookup did not give an answer (timeout, SERVFAIL, shed, only stale data): retried, never "not verified". */
    TEMPORARY_FAILURE,
    /** An operator verified the claim by hand. */
    OPERATOR,
    /** Another tenant verified the name first. */
    CLAIMED_ELSEWHERE,
    /** The verification window passed. */
    GAVE_UP;

    /** Whether the claim stays pending and is checked again after this outcome. */
    public boolean retried() {
        return this == MISSING || this == MISMATCH || this == TEMPORARY_FAILURE;
    }
}
