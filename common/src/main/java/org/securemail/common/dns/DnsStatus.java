package org.securemail.common.dns;

/** The kind of a DNS answer, as seen by the mail services. */
public enum DnsStatus {
    /** Fresh positive answer. */
    ANSWER,
    /** The name does not exist (authoritative, RFC 2308 cached). Permanent. */
    NXDOMAIN,
    /** The name exists but has no records of this type. Permanent. */
    NODATA,
    /** An expired answer served because no fresh one could be had in time (RFC 8767). */
    STALE,
    /** Timeout, SERVFAIL, REFUSED or unreachable upstream, possibly from the failure cache (RFC 9520). Temporary. */
    FAILED,
    /** Shed at a cap (zone, upstream or total). Treated like a timeout. Temporary. */
    BUSY,
    /** The caller's deadline passed before any answer arrived. Temporary. */
    TIMEOUT;

    /** True when the mail services must defer, never bounce. */
    public boolean temporary() {
        return this == FAILED || this == BUSY || this == TIMEOUT;
    }

    /** True when records can be used (fresh or stale). */
    public boolean usable() {
        return this == ANSWER || this == STALE;
    }
}
