package org.securemail.dns.upstream;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;

/**
 * What an upstream answered.
 *
 * @param rcode              the response code
 * @param answers            the answer section (records of the asked type and any CNAME chain), TTLs as received
 * @param negativeTtlSeconds for a negative answer, min(SOA TTL, SOA minimum) per RFC 2308; -1 when no SOA came
 */
public record UpstreamResponse(Rcode rcode, List<DnsRecordData> answers, long negativeTtlSeconds) {

    public UpstreamResponse {
        answers = answers == null ? List.of() : List.copyOf(answers);
    }

    /**
     * Only the records that answer {@code qname}/{@code qtype}: owned by the question name or by a name its CNAME
     * chain reaches (RFC 1034 §3.6.2, RFC 5452 §6), of the asked type or CNAME. Anything else in the answer section,
     * a poisoning attempt or a server's mistake, is dropped before it can be cached: the shared {@code dns.cache}
     * topic would spread it to every replica (issue 12).
     *
     * @param qname lower case, without the trailing dot, as every name in this service
     */
    public UpstreamResponse answering(String qname, DnsType qtype) {
        Set<String> chain = new HashSet<>();
        chain.add(qname);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (DnsRecordData r : answers) {
                if (r.type() == DnsType.CNAME && chain.contains(r.name()) && chain.add(r.data())) {
                    grew = true;
                }
            }
        }
        List<DnsRecordData> kept = answers.stream()
                .filter(r -> chain.contains(r.name()) && (r.type() == qtype || r.type() == DnsType.CNAME))
                .toList();
        return kept.size() == answers.size() ? this : new UpstreamResponse(rcode, kept, negativeTtlSeconds);
    }
}
