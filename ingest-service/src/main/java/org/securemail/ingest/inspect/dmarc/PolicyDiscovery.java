package org.securemail.ingest.inspect.dmarc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;

/**
 * Policy discovery (RFC 7489 §6.6.3): {@code _dmarc.<author domain>} TXT, and only when that holds no DMARC record
 * (an empty answer, NXDOMAIN or only other TXT records), {@code _dmarc.<organizational domain>}. At most two lookups.
 *
 * <p>A temporary DNS status (FAILED, BUSY, TIMEOUT) ends discovery with TEMPERROR at once: without the author
 * domain's answer we cannot know whether its own record would have applied, so the organisational domain is not
 * asked either. A STALE answer is usable (RFC 8767) and said so in the explanation.
 */
final class PolicyDiscovery {

    private final DnsResolver resolver;
    private final Duration deadline;

    PolicyDiscovery(DnsResolver resolver, Duration deadline) {
        this.resolver = resolver;
        this.deadline = deadline;
    }

    Uni<DmarcPolicyView> discover(String authorDomain) {
        Optional<String> normalised = OrganizationalDomain.normalise(authorDomain);
        List<String> steps = new ArrayList<>();
        if (normalised.isEmpty()) {
            String shown = authorDomain == null ? "(none)" : DmarcRecordParser.excerpt(authorDomain);
            steps.add("author domain " + shown + " is not a domain name");
            return Uni.createFrom().item(new DmarcPolicyView(String.valueOf(authorDomain), null,
                    DmarcPolicyView.Status.PERMERROR, null, null, steps));
        }
        String domain = normalised.get();
        String org = OrganizationalDomain.of(domain);
        steps.add("author domain " + domain + ", organizational domain " + org + " (public suffix list)");
        return query(domain).onItem().transformToUni(first -> {
            Step step = step(domain, first, steps);
            if (step.records().isEmpty() && step.status() == null && !org.equals(domain)) {
                steps.add("no DMARC record at _dmarc." + domain + "; falling back to the organizational domain");
                return query(org).map(second -> conclude(domain, org, org, step(org, second, steps), steps));
            }
            return Uni.createFrom().item(conclude(domain, org, domain, step, steps));
        });
    }

    private Uni<DnsAnswer> query(String domain) {
        String name = "_dmarc." + domain;
        return resolver.resolve(name, DnsType.TXT, deadline)
                .onFailure().recoverWithItem(e -> new DnsAnswer(name, DnsType.TXT, DnsStatus.FAILED, List.of(), 0,
                        "resolver failed: " + e.getClass().getSimpleName()));
    }

    /** The DMARC records of one answer, or the terminal status when the answer is temporary. */
    private record Step(List<String> records, DmarcPolicyView.Status status) {
    }

    private static Step step(String domain, DnsAnswer answer, List<String> steps) {
        String name = "_dmarc." + domain;
        DnsStatus status = answer == null ? DnsStatus.FAILED : answer.status();
        if (status.temporary()) {
            String detail = answer == null || answer.detail() == null ? "" : " (" + answer.detail() + ")";
            steps.add(name + " TXT: " + status + detail + "; temporary, so temperror");
            return new Step(List.of(), DmarcPolicyView.Status.TEMPERROR);
        }
        if (!status.usable()) {
            steps.add(name + " TXT: " + status);
            return new Step(List.of(), null);
        }
        List<String> dmarc = new ArrayList<>();
        int others = 0;
        for (DnsRecordData record : answer.records()) {
            if (DmarcRecordParser.isDmarc(record.data())) {
                dmarc.add(record.data());
            } else {
                others++;
            }
        }
        String stale = status == DnsStatus.STALE ? " (stale answer, " + answer.ageSeconds() + " s old)" : "";
        steps.add(name + " TXT: " + answer.records().size() + " record(s), " + dmarc.size() + " DMARC"
                + (others > 0 ? ", " + others + " other TXT ignored" : "") + stale);
        return new Step(dmarc, null);
    }

    private static DmarcPolicyView conclude(String domain, String org, String at, Step step, List<String> steps) {
        if (step.status() != null) {
            return new DmarcPolicyView(domain, org, step.status(), null, null, steps);
        }
        if (step.records().isEmpty()) {
            steps.add("no DMARC policy published: DMARC does not apply (RFC 7489 §6.6.3 step 5)");
            return new DmarcPolicyView(domain, org, DmarcPolicyView.Status.NONE, null, null, steps);
        }
        if (step.records().size() > 1) {
            steps.add(step.records().size() + " DMARC records at _dmarc." + at
                    + ": none applies (RFC 7489 §6.6.3 step 5)");
            return new DmarcPolicyView(domain, org, DmarcPolicyView.Status.NONE, null, null, steps);
        }
        DmarcRecordParser.Parsed parsed = DmarcRecordParser.parse(step.records().get(0));
        if (parsed instanceof DmarcRecordParser.Parsed.Valid valid) {
            valid.notes().forEach(note -> steps.add("record: " + note));
            DmarcRecord record = valid.record();
            steps.add("policy from _dmarc." + at + ": p=" + record.policy().rfcName() + " sp="
                    + record.effectiveSubdomainPolicy().rfcName() + " pct=" + record.percent() + " adkim="
                    + record.dkimAlignment().tag() + " aspf=" + record.spfAlignment().tag());
            return new DmarcPolicyView(domain, org, DmarcPolicyView.Status.FOUND, at, record, steps);
        }
        String reason = "not a DMARC record";
        if (parsed instanceof DmarcRecordParser.Parsed.Invalid invalid) {
            invalid.notes().forEach(note -> steps.add("record: " + note));
            reason = invalid.reason();
        }
        steps.add("invalid DMARC record at _dmarc." + at + ": " + reason + "; permerror");
        return new DmarcPolicyView(domain, org, DmarcPolicyView.Status.PERMERROR, at, null, steps);
    }
}
