package org.securemail.ingest.inspect.dmarc;

import java.util.List;

/**
 * The DMARC verdict on one message (for one author domain, or the strictest of several, §6.6.1).
 *
 * @param result          the {@code dmarc=} result (RFC 8601 names)
 * @param authorDomain    the RFC5322.From domain the result is for
 * @param policyDomain    where the policy was found (the author or its organisational domain), else null
 * @param record          the published record applied, else null
 * @param requestedPolicy the policy that applied to a failing message ({@code p}, or {@code sp} for a subdomain of
 *                        the domain it came from) before sampling; null unless {@link DmarcResult#FAIL}
 * @param disposition     what to do with the message: the requested policy, one step lower when sampled out; NONE for
 *                        every result but FAIL (a temperror never rejects)
 * @param sampledOut      true when a failing message fell outside the {@code pct} sample (§6.6.4) and so got a
 *                        lower disposition (never for a requested {@code none}, which has nothing lower)
 * @param alignment       the alignment details, null when no record applied
 * @param explanation     how the result was reached, step by step, for an operator
 */
public record DmarcOutcome(DmarcResult result, String authorDomain, String policyDomain, DmarcRecord record,
        Disposition requestedPolicy, Disposition disposition, boolean sampledOut, Alignment alignment,
        List<String> explanation) {

    public DmarcOutcome {
        explanation = List.copyOf(explanation);
    }

    DmarcOutcome withExplanation(List<String> replaced) {
        return new DmarcOutcome(result, authorDomain, policyDomain, record, requestedPolicy, disposition, sampledOut,
                alignment, replaced);
    }
}
