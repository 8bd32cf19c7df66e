package org.securemail.provisioning.domain.verification;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.provisioning.DomainVerificationEvent;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.domain.Domain;
import org.securemail.provisioning.domain.DomainPublication;
import org.securemail.provisioning.domain.DomainRepository;
import org.securemail.provisioning.domain.Verification;
import org.securemail.provisioning.domain.VerificationState;
import org.securemail.provisioning.domain.verification.TxtCheck.CheckResult;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.outbox.Outbox;
import org.securemail.provisioning.recipient.RecipientRepository;

import io.smallrye.mutiny.Uni;

/**
 * The state changes of a claim on a domain name. Each runs inside the caller's transaction and writes a
 * {@code provisioning.domain-verifications} event; a claim that becomes verified publishes the domain and its
 * recipients ({@link DomainPublication}) and refuses every other open claim on the name. The database keeps at most
 * one verified claim per name (a partial unique index), so two verifications racing cannot both win.
 */
@ApplicationScoped
public class DomainVerifications {

    /** {@code verifiedBy} values. */
    public static final String BY_DNS = "DNS";
    public static final String BY_OPERATOR = "OPERATOR";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    DomainRepository domains;

    @Inject
    RecipientRepository recipients;

    @Inject
    DomainPublication publication;

    @Inject
    Outbox outbox;

    @Inject
    ProvisioningConfig config;

    /** A new claim: verified at once when an operator creates it, else pending with a fresh token, checked now. */
    public Verification newClaim(Caller caller, Instant now) {
        Verification v = new Verification();
        v.token = HexFormat.of().formatHex(randomBytes());
        if (caller.operator()) {
            v.state = VerificationState.VERIFIED;
            v.verifiedBy = BY_OPERATOR;
            v.verifiedAt = now;
        } else {
            v.state = VerificationState.PENDING;
            v.pendingSince = now;
            v.nextCheckAt = now;
        }
        return v;
    }

    /** 409 if another tenant holds the name, or if a tenant would exceed its unverified claims. */
    public Uni<Void> requireClaimable(Domain d) {
        Uni<Void> notHeld = requireHeldByNobodyElse(d);
        if (d.verification.verified()) {
            return notHeld;
        }
        int max = config.verification().maxPendingPerTenant();
        return notHeld.chain(() -> domains.pendingOf(d.tenantId)).map(pending -> {
            if (pending >= max) {
                throw ApiProblem.conflict("a tenant may hold " + max + " unverified domains at once; verify or delete"
                        + " some first");
            }
            return null;
        });
    }

    /** After a new claim is persisted: publishes it if an operator created it, else records that it waits. */
    public Uni<Void> claimed(Domain d) {
        if (d.verification.verified()) {
            return tookEffect(d, CheckOutcome.OPERATOR, "created by an operator");
        }
        return step(d, CheckOutcome.CREATED, "publish TXT " + txtName(d) + " \"" + TxtCheck.recordValue(d.verification.token)
                + "\"");
    }

    /** An operator verifies by hand (idempotent for a verified claim). */
    public Uni<Domain> verifyByOperator(Domain d, Instant now) {
        if (d.verification.verified()) {
            return Uni.createFrom().item(d);
        }
        return requireClaimable(d).chain(() -> verify(d, BY_OPERATOR, CheckOutcome.OPERATOR, "verified by an operator", now));
    }

    /** A tenant asks for a check now: reopens an expired or refused claim (if nobody holds the name). */
    public Uni<Domain> reopen(Domain d, Instant now) {
        if (d.verification.verified()) {
            return Uni.createFrom().item(d);
        }
        return requireHeldByNobodyElse(d).chain(() -> {
            Verification v = d.verification;
            if (v.state != VerificationState.PENDING) {
                v.pendingSince = now;
            }
            v.state = VerificationState.PENDING;
            v.failures = 0;
            v.nextCheckAt = now;
            return domains.flush().replaceWith(d);
        });
    }

    /** Applies a DNS check to the claim {@code id} if it is still pending with {@code token}. */
    public Uni<Void> applyCheck(UUID id, String token, CheckResult result, Instant now) {
        return domains.findById(id).chain(d -> {
            if (d == null || d.verification.state != VerificationState.PENDING || !d.verification.token.equals(token)) {
                return Uni.createFrom().voidItem();
            }
            if (result.outcome() == CheckOutcome.FOUND) {
                return verify(d, BY_DNS, CheckOutcome.FOUND, result.detail(), now).replaceWithVoid();
            }
            Verification v = d.verification;
            int failures = v.failures + 1;
            boolean expired = v.pendingSince != null && now.isAfter(v.pendingSince.plus(config.verification().window()));
            VerificationState state = expired ? VerificationState.EXPIRED : VerificationState.PENDING;
            Instant next = expired ? null : now.plus(retryDelay(failures));
            String detail = expired ? result.detail() + "; not verified within " + config.verification().window()
                    + ", no more checks until asked" : result.detail();
            // a bulk update: a check is not a change of the tenant's settings, so the row's version stays
            return domains.update("verification.state = ?1, verification.lastCheckAt = ?2, verification.lastCheckOutcome = ?3,"
                                    + " verification.lastCheckDetail = ?4, verification.failures = ?5, verification.nextCheckAt = ?6"
                                    + " where id = ?7 and verification.state = ?8",
                            state, now, result.outcome().name(), detail, failures, next, id, VerificationState.PENDING)
                    .chain(n -> outbox.verificationStep(new DomainVerificationEvent(d.name, d.id.toString(),
                            d.tenantId.toString(), state.name(), expired ? CheckOutcome.GAVE_UP.name() : result.outcome().name(),
                            detail, now, next)));
        });
    }

    /** Takes a due claim for one check: moves its due time past the check's deadline unless a peer took it first. */
    public Uni<Boolean> lease(Domain d, Instant now) {
        Instant lease = now.plus(config.verification().dnsDeadline()).plus(config.verification().pollInterval());
        return domains.update("verification.nextCheckAt = ?1 where id = ?2 and verification.nextCheckAt = ?3"
                        + " and verification.state = ?4", lease, d.id, d.verification.nextCheckAt, VerificationState.PENDING)
                .map(n -> n == 1);
    }

    /** Marks the claim {@code id} refused because another tenant verified the name (after a lost race). */
    public Uni<Void> refuse(UUID id, Instant now) {
        return domains.findById(id).chain(d -> d == null || d.verification.verified() ? Uni.createFrom().voidItem()
                : refuse(d, now));
    }

    public String txtName(Domain d) {
        return TxtCheck.recordName(d.name);
    }

    Duration retryDelay(int failures) {
        Duration first = config.verification().firstRetry();
        Duration max = config.verification().maxRetry();
        Duration delay = first.multipliedBy(1L << Math.min(failures - 1, 20));
        return delay.compareTo(max) > 0 ? max : delay;
    }

    private Uni<Domain> verify(Domain d, String by, CheckOutcome outcome, String detail, Instant now) {
        Verification v = d.verification;
        v.state = VerificationState.VERIFIED;
        v.verifiedBy = by;
        v.verifiedAt = now;
        v.lastCheckAt = now;
        v.lastCheckOutcome = outcome.name();
        v.lastCheckDetail = detail;
        v.nextCheckAt = null;
        d.updatedAt = now;
        // the flush bumps the version, so a tenant's concurrent update of the unverified row fails as stale
        // instead of committing settings that this publication would miss
        return domains.flush().chain(() -> tookEffect(d, outcome, detail)).replaceWith(d);
    }

    private Uni<Void> tookEffect(Domain d, CheckOutcome outcome, String detail) {
        return recipients.ofDomain(d.tenantId, d.id)
                .chain(list -> publication.verified(d, list))
                .chain(() -> step(d, outcome, detail))
                .chain(() -> domains.openClaims(d.name, d.id))
                .chain(others -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Domain other : others) {
                        chain = chain.chain(() -> refuse(other, d.verification.verifiedAt));
                    }
                    return chain;
                });
    }

    private Uni<Void> refuse(Domain d, Instant now) {
        Verification v = d.verification;
        v.state = VerificationState.REFUSED;
        v.lastCheckAt = now;
        v.lastCheckOutcome = CheckOutcome.CLAIMED_ELSEWHERE.name();
        v.lastCheckDetail = "another tenant verified " + d.name + " first";
        v.nextCheckAt = null;
        return domains.flush().chain(() -> step(d, CheckOutcome.CLAIMED_ELSEWHERE, v.lastCheckDetail));
    }

    /** 409 if a claim other than {@code d} is verified for its name. */
    private Uni<Void> requireHeldByNobodyElse(Domain d) {
        return domains.verifiedClaim(d.name).map(holder -> {
            if (holder != null && !holder.id.equals(d.id)) {
                throw ApiProblem.conflict("domain " + d.name + " is verified by another tenant");
            }
            return null;
        });
    }

    private Uni<Void> step(Domain d, CheckOutcome outcome, String detail) {
        Verification v = d.verification;
        return outbox.verificationStep(new DomainVerificationEvent(d.name, d.id.toString(), d.tenantId.toString(),
                v.state.name(), outcome.name(), detail, Instant.now(), v.nextCheckAt));
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
