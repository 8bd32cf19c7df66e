package org.securemail.ingest.inspect.dnsbl;

import java.util.Locale;

/** The result of a forward-confirmed reverse DNS check, with its RFC 8601 {@code iprev} name (§2.7.3). */
public enum FcrdnsResult {
    /** A PTR name of the client resolves back to the client's address. */
    PASS("pass"),
    /**
     * PTR names were found, but none resolves back to the client (none of them is a valid host name, their A/AAAA
     * lookups found nothing, or other addresses).
     */
    FAIL("fail"),
    /** The client's address has no PTR records (NXDOMAIN or no data): iprev's {@code permerror}. */
    NONE("permerror"),
    /** A lookup failed, was shed or timed out before a name could be confirmed: ask again later. */
    TEMPERROR("temperror");

    private final String iprev;

    FcrdnsResult(String iprev) {
        this.iprev = iprev;
    }

    /** The result of the {@code iprev} method of RFC 8601 ({@code pass}, {@code fail}, {@code temperror}...). */
    public String iprevName() {
        return iprev;
    }

    /** The name in lower case ({@code "none"}), for logs. */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
