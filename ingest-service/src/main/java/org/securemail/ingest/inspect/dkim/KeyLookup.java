package org.securemail.ingest.inspect.dkim;

import java.util.List;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;

/** Fetches the TXT records at {@code <s>._domainkey.<d>} through the DNS service (RFC 6376 §3.6.2). */
final class KeyLookup {

    private final DnsResolver dns;
    private final DkimLimits limits;

    KeyLookup(DnsResolver dns, DkimLimits limits) {
        this.dns = dns;
        this.limits = limits;
    }

    /**
     * The record texts (at most {@code maxKeyRecords}); fails with a {@link DkimFailure}: temperror for a temporary
     * DNS status, permerror "no key" for NXDOMAIN, NODATA or an empty answer (§6.1.2).
     */
    Uni<List<String>> records(String selector, String domain) {
        String name = DomainNames.keyName(selector, domain);
        return dns.resolve(name, DnsType.TXT, limits.keyLookupDeadline()).map(answer -> texts(name, answer));
    }

    private List<String> texts(String name, DnsAnswer answer) {
        if (answer == null || answer.status().temporary()) {
            String detail = answer == null || answer.detail() == null ? "" : " (" + answer.detail() + ")";
            throw new DkimFailure(DkimResult.TEMPERROR, "key lookup for " + name + " failed: "
                    + (answer == null ? "no answer" : answer.status().name().toLowerCase()) + detail);
        }
        List<String> texts = answer.status().usable()
                ? answer.records().stream()
                        .filter(r -> r.type() == DnsType.TXT && r.data() != null)
                        .map(DnsRecordData::data)
                        .limit(limits.maxKeyRecords())
                        .toList()
                : List.of();
        if (texts.isEmpty()) {
            throw DkimFailure.permerror("no key for signature at " + name);
        }
        return texts;
    }
}
