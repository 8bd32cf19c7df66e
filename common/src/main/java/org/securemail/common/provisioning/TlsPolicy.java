package org.securemail.common.provisioning;

/** TLS policy of a next hop. */
public enum TlsPolicy {
    /** STARTTLS when offered, plain otherwise, no certificate check (RFC 7435 opportunistic). */
    OPPORTUNISTIC,
    /** STARTTLS required and the certificate verified against the host name. */
    REQUIRED,
    /** Never use TLS. */
    NONE
}
