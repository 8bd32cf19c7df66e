package org.securemail.ingest.inspect.dmarc;

import java.util.List;

/**
 * What policy discovery (RFC 7489 §6.6.3) found for an author domain, with how: the answer of
 * {@link DmarcEvaluator#lookupPolicy} for the operator's {@code GET /inspect/dmarc?domain=}.
 *
 * @param domain               the author domain asked about (normalised; as given when it is not a domain name)
 * @param organizationalDomain its organisational domain (§3.2), or null when {@code domain} is not a domain name
 * @param status               what discovery ended with
 * @param policyDomain         where the record was found ({@code domain} or its organisational domain), else null
 * @param record               the parsed record when {@link Status#FOUND}, else null
 * @param explanation          each step, in order, for an operator
 */
public record DmarcPolicyView(String domain, String organizationalDomain, Status status, String policyDomain,
        DmarcRecord record, List<String> explanation) {

    public DmarcPolicyView {
        explanation = List.copyOf(explanation);
    }

    /** How discovery ended. */
    public enum Status {
        /** Exactly one usable DMARC record. */
        FOUND,
        /** No DMARC record, or several at one name (§6.6.3 step 5): DMARC does not apply. */
        NONE,
        /** A lookup failed temporarily (FAILED, BUSY, TIMEOUT): ask again later. */
        TEMPERROR,
        /** One DMARC record, unusable (§6.6.3 step 6.2), or the domain is not a domain name. */
        PERMERROR
    }

    /** True when the record came from the organisational domain and the author domain is a subdomain of it. */
    public boolean fromOrganizationalDomain() {
        return status == Status.FOUND && !domain.equals(policyDomain);
    }
}
