package org.securemail.ingest.stage;

import java.util.ArrayList;
import java.util.List;

import org.securemail.common.mail.InspectionSummary;
import org.securemail.ingest.inspect.content.ScanProblem;
import org.securemail.ingest.inspect.content.ScanVerdict;
import org.securemail.ingest.inspect.dkim.DkimResult;
import org.securemail.ingest.inspect.dkim.DkimSignatureResult;
import org.securemail.ingest.inspect.dmarc.DmarcOutcome;
import org.securemail.ingest.inspect.dmarc.DmarcResult;
import org.securemail.ingest.inspect.dnsbl.DnsblOutcome;
import org.securemail.ingest.inspect.dnsbl.FcrdnsOutcome;
import org.securemail.ingest.inspect.dnsbl.FcrdnsResult;
import org.securemail.ingest.inspect.spf.SpfOutcome;
import org.securemail.ingest.inspect.spf.SpfResult;

/**
 * What one pass of the checks found for one message. A check that was not run (its policy is off, no zones, no
 * scanner) is null; DKIM is always verified (an empty list: the message carries no signature).
 *
 * @param spf     SPF of the MAIL FROM identity (for the null sender, of the HELO identity, RFC 7208 §2.4)
 * @param dkim    one result per DKIM-Signature field
 * @param dmarc   DMARC for the author domain(s)
 * @param iprev   forward-confirmed reverse DNS of the client
 * @param dnsbl   the blocklists of the recipients' domains
 * @param content the content scanner's verdict
 */
public record InspectionReport(SpfOutcome spf, List<DkimSignatureResult> dkim, DmarcOutcome dmarc,
        FcrdnsOutcome iprev, DnsblOutcome dnsbl, ScanVerdict content) {

    public InspectionReport {
        dkim = dkim == null ? List.of() : List.copyOf(dkim);
    }

    /** One line per check that ran, for the tracking timeline ({@link InspectionSummary}). */
    public List<InspectionSummary.Check> lines() {
        List<InspectionSummary.Check> lines = new ArrayList<>();
        if (spf != null) {
            lines.add(new InspectionSummary.Check("spf", spf.result().rfcName(), spf.identity().name()
                    .toLowerCase(java.util.Locale.ROOT) + "=" + spf.sender()));
        }
        for (DkimSignatureResult d : dkim) {
            lines.add(new InspectionSummary.Check("dkim", d.result().token(), "header.d=" + d.domain()
                    + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")")));
        }
        if (dmarc != null) {
            lines.add(new InspectionSummary.Check("dmarc", dmarc.result().rfcName(),
                    "header.from=" + dmarc.authorDomain()));
        }
        if (iprev != null) {
            lines.add(new InspectionSummary.Check("iprev", iprev.result().iprevName(), "policy.iprev=" + iprev.client()
                    + (iprev.verifiedNames().isEmpty() ? "" : " (" + iprev.verifiedNames().get(0) + ")")));
        }
        if (dnsbl != null) {
            dnsbl.zones().forEach(z -> lines.add(new InspectionSummary.Check("dnsbl", z.result().lowerName(),
                    z.zone())));
        }
        if (content != null) {
            lines.add(new InspectionSummary.Check("content", content.action().name().toLowerCase(java.util.Locale.ROOT),
                    "score " + content.score() + "/" + content.requiredScore()));
        }
        return lines;
    }

    /**
     * The checks that could not finish for a temporary reason (a DNS lookup failed, was shed or timed out; the
     * scanner did not answer): asking again later may give a result. Empty when every check has its final result.
     */
    public List<String> temporary() {
        List<String> checks = new ArrayList<>();
        if (spf != null && spf.result() == SpfResult.TEMPERROR) {
            checks.add("spf");
        }
        if (dkim.stream().anyMatch(d -> d.result() == DkimResult.TEMPERROR)) {
            checks.add("dkim");
        }
        if (dmarc != null && dmarc.result() == DmarcResult.TEMPERROR) {
            checks.add("dmarc");
        }
        if (iprev != null && iprev.result() == FcrdnsResult.TEMPERROR) {
            checks.add("iprev");
        }
        if (dnsbl != null && !dnsbl.temperrorZones().isEmpty()) {
            checks.add("dnsbl");
        }
        if (content != null && content.action() == ScanVerdict.Action.SCAN_FAILED
                && content.problem() != ScanProblem.MESSAGE_TOO_LARGE) {
            checks.add("content");
        }
        return checks;
    }
}
