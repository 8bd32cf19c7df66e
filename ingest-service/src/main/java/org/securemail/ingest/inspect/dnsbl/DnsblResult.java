package org.securemail.ingest.inspect.dnsbl;

import java.util.Locale;

/** What one blocklist zone said about the client. */
public enum DnsblResult {
    /** The zone lists the client: it answered one of its listing codes (RFC 5782 §2.1). */
    LISTED,
    /** The name does not exist (NXDOMAIN), exists without A records, or only carries codes the zone is not used for. */
    NOT_LISTED,
    /**
     * The zone answered, but not with a listing: a refusal or error code of a public list (over the free-use limit,
     * queried through a public resolver, 127.0.0.1), an address outside 127.0.0.0/8, or garbage. Never a listing.
     */
    UNKNOWN,
    /** The lookup failed, was shed or timed out (FAILED, BUSY, TIMEOUT): ask again later. */
    TEMPERROR;

    /** The name in lower case ({@code "not_listed"}), for logs and headers. */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
