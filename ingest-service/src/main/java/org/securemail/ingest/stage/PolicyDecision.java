package org.securemail.ingest.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.ingest.inspect.content.ScanVerdict;
import org.securemail.ingest.inspect.dmarc.Disposition;
import org.securemail.ingest.inspect.dmarc.DmarcResult;
import org.securemail.ingest.inspect.dnsbl.ZoneOutcome;
import org.securemail.ingest.inspect.spf.SpfResult;

/**
 * Applies a recipient domain's policy to the checks' results (docs/inspection.md, "Policies"):
 * <ul>
 * <li>SPF {@code fail} under an SPF mode of {@code quarantine} or {@code reject}: that action ({@code softfail},
 * {@code neutral}, {@code none} never act);</li>
 * <li>DMARC {@code fail} under a DMARC mode of {@code quarantine} or {@code reject}: the author domain's own
 * disposition ({@code p}/{@code sp} after {@code pct}), at most the mode's action ({@code p=reject} under mode
 * {@code quarantine} quarantines);</li>
 * <li>a listing on one of the domain's blocklists: reject;</li>
 * <li>the content scanner's reject: reject.</li>
 * </ul>
 * The strictest applies. {@code temperror} and {@code permerror} never act: a check that could not reach a result is
 * no evidence against the message (RFC 7489 §6.6.2, RFC 7208 §8.6).
 */
public final class PolicyDecision {

    /** The platform's default for a domain without a policy: evaluate and tag, never act. */
    public static final DomainPolicy DEFAULT = new DomainPolicy("tag", "tag", List.of());

    private PolicyDecision() {
    }

    public static Verdict decide(DomainPolicy policy, InspectionReport report) {
        DomainPolicy p = policy == null ? DEFAULT : policy;
        Verdict.Action action = Verdict.Action.DELIVER;
        List<String> reasons = new ArrayList<>();
        Verdict.Action spfMode = mode(p.spf());
        if (report.spf() != null && report.spf().result() == SpfResult.FAIL && spfMode != null) {
            action = stricter(action, spfMode);
            reasons.add("spf=fail (policy " + p.spf() + ")");
        }
        Verdict.Action dmarcMode = mode(p.dmarc());
        if (report.dmarc() != null && report.dmarc().result() == DmarcResult.FAIL && dmarcMode != null) {
            Disposition requested = report.dmarc().disposition();
            Verdict.Action asked = requested == Disposition.REJECT ? Verdict.Action.REJECT
                    : requested == Disposition.QUARANTINE ? Verdict.Action.QUARANTINE : Verdict.Action.DELIVER;
            Verdict.Action applied = milder(asked, dmarcMode);
            if (applied != Verdict.Action.DELIVER) {
                action = stricter(action, applied);
                reasons.add("dmarc=fail (" + report.dmarc().authorDomain() + " asks " + requested.rfcName()
                        + ", policy " + p.dmarc() + ")");
            }
        }
        if (report.dnsbl() != null) {
            for (ZoneOutcome zone : report.dnsbl().listedZones()) {
                if (p.dnsblZones().contains(zone.zone())) {
                    action = stricter(action, Verdict.Action.REJECT);
                    reasons.add("dnsbl: listed by " + zone.zone());
                }
            }
        }
        if (report.content() != null && report.content().action() == ScanVerdict.Action.REJECT) {
            action = stricter(action, Verdict.Action.REJECT);
            reasons.add("content: " + report.content().message());
        }
        return new Verdict(action, reasons);
    }

    /** The action of an SPF or DMARC mode, null for {@code off} and {@code tag} (and anything unknown). */
    private static Verdict.Action mode(String mode) {
        return switch (mode == null ? "" : mode.toLowerCase(Locale.ROOT)) {
            case "quarantine" -> Verdict.Action.QUARANTINE;
            case "reject" -> Verdict.Action.REJECT;
            default -> null;
        };
    }

    static Verdict.Action stricter(Verdict.Action a, Verdict.Action b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Verdict.Action milder(Verdict.Action a, Verdict.Action b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
