package org.securemail.ingest.relay;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.ingest.reply.Reply;

/**
 * Relay control, from the in-memory provisioning state only: no database, no DNS.
 *
 * <ul>
 *   <li>MX listener: a recipient domain provisioned with {@code inboundEnabled} is accepted; any other domain
 *       gets {@code 550 5.7.1 Relay access denied}; a recipient-list domain refuses unknown local parts with
 *       {@code 550 5.1.1}.</li>
 *   <li>Submission: any recipient; the MAIL FROM domain must belong to the user's tenant and allow outbound
 *       ({@code 553 5.7.1} otherwise).</li>
 *   <li>Submission to an address on the tenant's suppression list: {@code 550 5.7.1} for that recipient (ADR
 *       0075).</li>
 *   <li>Before the provisioning topics are read to their end, every decision is {@code 451 4.3.0}.</li>
 * </ul>
 */
@ApplicationScoped
public class RelayPolicy {

    private final ProvisioningState state;

    public RelayPolicy(ProvisioningState state) {
        this.state = state;
    }

    public boolean ready() {
        return state.caughtUp();
    }

    /** RCPT on the MX listener. */
    public RcptDecision inbound(String localPart, String domain) {
        if (!state.caughtUp()) {
            return RcptDecision.refuse(Reply.NOT_READY, "not_ready");
        }
        Optional<DomainRecord> d = state.domain(domain);
        if (d.isEmpty() || !d.get().inboundEnabled()) {
            return RcptDecision.refuse(Reply.RELAY_DENIED, "relay_denied");
        }
        if (d.get().recipientListOnly() && !state.hasRecipient(localPart, domain)) {
            return RcptDecision.refuse(Reply.UNKNOWN_USER, "unknown_recipient");
        }
        return RcptDecision.accept(d.get().tenantId());
    }

    /** MAIL FROM on submission: may this user's tenant send as {@code domain}? */
    public Optional<Reply> checkSender(SmtpUserRecord user, String domain) {
        if (!state.caughtUp()) {
            return Optional.of(Reply.NOT_READY);
        }
        Optional<DomainRecord> d = domain == null ? Optional.empty() : state.domain(domain);
        if (d.isPresent() && d.get().outboundAllowed() && d.get().tenantId().equals(user.tenantId())) {
            return Optional.empty();
        }
        return Optional.of(Reply.SENDER_NOT_OWNED);
    }

    /**
     * RCPT on submission: refused when the address is on {@code tenantId}'s suppression list. {@code 550} (RFC 5321:
     * mailbox unavailable, not to be retried as is) with {@code 5.7.1} (RFC 3463: delivery not authorized, a refusal
     * by policy): the list is this suite's policy for the tenant, not a fact about the mailbox, so not {@code 5.1.1}.
     */
    public Optional<Reply> checkSuppressed(String tenantId, String localPart, String domain, String address) {
        if (!state.suppressed(tenantId, localPart, domain)) {
            return Optional.empty();
        }
        return Optional.of(Reply.of(550, "5.7.1", "<" + address + ">: recipient is on this tenant's suppression list"));
    }

    /** The effective size limit for a recipient domain: its own when set and smaller than the platform's. */
    public long sizeLimit(String domain, long platformLimit) {
        return state.domain(domain)
                .map(DomainRecord::maxMessageSize)
                .filter(s -> s > 0 && s < platformLimit)
                .orElse(platformLimit);
    }
}
