package org.securemail.ingest.inspect.spf;

/** Which identity an SPF check authorised (RFC 7208 §2.3, §2.4). */
public enum SpfIdentity {
    /** The reverse-path of {@code MAIL FROM}, or {@code postmaster@<helo>} for the null reverse-path. */
    MAILFROM,
    /** The domain given with {@code HELO}/{@code EHLO}, checked as {@code postmaster@<helo>}. */
    HELO
}
