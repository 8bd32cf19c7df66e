package org.securemail.common.provisioning;

import java.time.Instant;

/**
 * One step in the verification of a tenant's claim on a domain name, on {@code provisioning.domain-verifications}
 * keyed by the domain name: every check and every change of state, so that a tenant's support and the platform's
 * operators can follow a claim ({@code docs/provisioning-api.md}, "Domain verification").
 *
 * @param domain    A-label, lower case
 * @param domainId  the id of the claim (a domain row of the API)
 * @param tenantId  the claiming tenant
 * @param state     {@code PENDING}, {@code VERIFIED}, {@code REFUSED} or {@code EXPIRED} after this step
 * @param outcome   what the step found: {@code FOUND}, {@code MISSING}, {@code MISMATCH}, {@code TEMPORARY_FAILURE},
 *                  {@code OPERATOR}, {@code CLAIMED_ELSEWHERE}, {@code CREATED}, {@code GAVE_UP}
 * @param detail    a short human-readable explanation
 * @param at        when the step happened
 * @param nextCheck when the next DNS check is due, null when none is planned
 */
public record DomainVerificationEvent(
        String domain,
        String domainId,
        String tenantId,
        String state,
        String outcome,
        String detail,
        Instant at,
        Instant nextCheck) {
}
