package org.securemail.provisioning.domain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;

/** The verification columns of a {@link Domain}: the claim's state, its token and its last DNS check. */
@Embeddable
public class Verification {

    @Enumerated(EnumType.STRING)
    @Column(name = "verification_state", nullable = false)
    public VerificationState state;

    /** What the tenant publishes in DNS; random, never reused. */
    @Column(name = "verification_token", nullable = false, updatable = false)
    public String token;

    /** {@code DNS}, {@code OPERATOR} or {@code MIGRATION}; null until verified. */
    @Column(name = "verified_by")
    public String verifiedBy;

    @Column(name = "verified_at")
    public Instant verifiedAt;

    @Column(name = "last_check_at")
    public Instant lastCheckAt;

    @Column(name = "last_check_outcome")
    public String lastCheckOutcome;

    @Column(name = "last_check_detail")
    public String lastCheckDetail;

    /** Checks in a row that did not verify; drives the backoff. */
    @Column(name = "check_failures", nullable = false)
    public int failures;

    /** When the claim was opened (created or asked to be checked again); the verification window counts from here. */
    @Column(name = "pending_since")
    public Instant pendingSince;

    /** When the next DNS check is due; null when none is planned. */
    @Column(name = "next_check_at")
    public Instant nextCheckAt;

    public boolean verified() {
        return state == VerificationState.VERIFIED;
    }
}
