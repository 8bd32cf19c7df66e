package org.securemail.dns.upstream;

import java.util.List;

import org.securemail.common.dns.DnsRecordData;

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
}
