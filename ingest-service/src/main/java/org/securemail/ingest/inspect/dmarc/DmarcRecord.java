package org.securemail.ingest.inspect.dmarc;

import java.util.List;
import java.util.Set;

/**
 * A parsed DMARC policy record (RFC 7489 §6.3), defaults filled in.
 *
 * @param policy              {@code p=}; NONE when §6.6.3's rule for an invalid {@code p} with a usable {@code rua}
 *                            applied ({@link #policyFallback})
 * @param subdomainPolicy     {@code sp=} as published, or null when absent (then {@link #effectiveSubdomainPolicy} is
 *                            {@code p})
 * @param percent             {@code pct=}, 0–100, default 100
 * @param dkimAlignment       {@code adkim=}, default relaxed
 * @param spfAlignment        {@code aspf=}, default relaxed
 * @param aggregateReportUris {@code rua=}, the syntactically valid ones
 * @param failureReportUris   {@code ruf=}, the syntactically valid ones
 * @param failureOptions      {@code fo=}, default {@code 0}
 * @param reportFormats       {@code rf=} in lower case, default {@code afrf}
 * @param reportInterval      {@code ri=} in seconds, default 86400
 * @param policyFallback      true when {@code p}/{@code sp} were unusable and §6.6.3 step 6.1 made this {@code p=none}
 */
public record DmarcRecord(Disposition policy, Disposition subdomainPolicy, int percent, AlignmentMode dkimAlignment,
        AlignmentMode spfAlignment, List<ReportUri> aggregateReportUris, List<ReportUri> failureReportUris,
        Set<FailureOption> failureOptions, List<String> reportFormats, long reportInterval, boolean policyFallback) {

    public static final int DEFAULT_PERCENT = 100;
    public static final long DEFAULT_REPORT_INTERVAL = 86_400;

    public DmarcRecord {
        aggregateReportUris = List.copyOf(aggregateReportUris);
        failureReportUris = List.copyOf(failureReportUris);
        failureOptions = Set.copyOf(failureOptions);
        reportFormats = List.copyOf(reportFormats);
    }

    /** The policy for subdomains of the domain the record was found at: {@code sp}, else {@code p}. */
    public Disposition effectiveSubdomainPolicy() {
        return subdomainPolicy == null ? policy : subdomainPolicy;
    }
}
