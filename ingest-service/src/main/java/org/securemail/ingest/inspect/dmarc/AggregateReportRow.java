package org.securemail.ingest.inspect.dmarc;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one evaluated message contributes to an aggregate report (RFC 7489 §7.2, Appendix C {@code RecordType}): the
 * row's source, identifiers, evaluated policy and authentication results, and the published policy and {@code rua}
 * list it is reported under. A report generator groups rows by policy domain and counts identical rows (the
 * {@code count} element); nothing here sends or stores.
 *
 * @param sourceIp        the connecting client ({@code row/source_ip}), may be null when unknown
 * @param headerFrom      {@code identifiers/header_from}
 * @param envelopeFrom    {@code identifiers/envelope_from}, null for a null reverse path
 * @param policyEvaluated {@code row/policy_evaluated}
 * @param dkim            {@code auth_results/dkim}, every signature as verified
 * @param spf             {@code auth_results/spf}
 * @param policyPublished {@code policy_published}
 * @param rua             where the Domain Owner wants aggregate reports; may be empty
 */
public record AggregateReportRow(InetAddress sourceIp, String headerFrom, String envelopeFrom,
        PolicyEvaluated policyEvaluated, List<DkimIdentifier> dkim, SpfIdentifier spf,
        PolicyPublished policyPublished, List<ReportUri> rua) {

    public AggregateReportRow {
        dkim = List.copyOf(dkim);
        rua = List.copyOf(rua);
    }

    /** {@code DMARCResultType}: whether a mechanism produced an aligned pass. */
    public enum AlignedResult {
        PASS, FAIL;

        static AlignedResult of(boolean aligned) {
            return aligned ? PASS : FAIL;
        }
    }

    /** {@code PolicyOverrideType}; this library only produces {@link #SAMPLED_OUT}. */
    public enum OverrideType {
        FORWARDED, SAMPLED_OUT, TRUSTED_FORWARDER, MAILING_LIST, LOCAL_POLICY, OTHER
    }

    /** {@code PolicyOverrideReason}. */
    public record PolicyOverride(OverrideType type, String comment) {
    }

    /** {@code PolicyEvaluatedType}. */
    public record PolicyEvaluated(Disposition disposition, AlignedResult dkim, AlignedResult spf,
            List<PolicyOverride> reasons) {
        public PolicyEvaluated {
            reasons = List.copyOf(reasons);
        }
    }

    /** {@code PolicyPublishedType}: the record as applied ({@code p=none} after §6.6.3 step 6.1). */
    public record PolicyPublished(String domain, AlignmentMode adkim, AlignmentMode aspf, Disposition p,
            Disposition sp, int pct, Set<FailureOption> fo) {
        public PolicyPublished {
            fo = Set.copyOf(fo);
        }
    }

    /**
     * The row for a message DMARC evaluated against a published policy (pass or fail); empty for none, temperror and
     * permerror, where there is no policy to report under.
     */
    public static Optional<AggregateReportRow> of(DmarcInput input, DmarcOutcome outcome) {
        if (outcome.record() == null || outcome.alignment() == null
                || (outcome.result() != DmarcResult.PASS && outcome.result() != DmarcResult.FAIL)) {
            return Optional.empty();
        }
        DmarcRecord record = outcome.record();
        Alignment alignment = outcome.alignment();
        List<PolicyOverride> reasons = outcome.sampledOut()
                ? List.of(new PolicyOverride(OverrideType.SAMPLED_OUT, "pct=" + record.percent()))
                : List.of();
        PolicyEvaluated evaluated = new PolicyEvaluated(outcome.disposition(),
                AlignedResult.of(alignment.dkimAligned()), AlignedResult.of(alignment.spfAligned()), reasons);
        String envelopeFrom = input.envelopeFromDomain() == null || input.envelopeFromDomain().isBlank()
                ? null
                : input.envelopeFromDomain();
        SpfIdentifier spf = input.spf() != null
                ? input.spf()
                : new SpfIdentifier(envelopeFrom, SpfIdentifier.SpfScope.MFROM, AuthResult.NONE);
        List<DkimIdentifier> dkim = input.dkim().size() > Alignment.MAX_SIGNATURES
                ? input.dkim().subList(0, Alignment.MAX_SIGNATURES)
                : input.dkim();
        PolicyPublished published = new PolicyPublished(outcome.policyDomain(), record.dkimAlignment(),
                record.spfAlignment(), record.policy(), record.effectiveSubdomainPolicy(), record.percent(),
                record.failureOptions());
        return Optional.of(new AggregateReportRow(input.source(), outcome.authorDomain(), envelopeFrom, evaluated,
                dkim, spf, published, record.aggregateReportUris()));
    }
}
