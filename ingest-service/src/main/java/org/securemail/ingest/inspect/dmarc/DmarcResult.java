package org.securemail.ingest.inspect.dmarc;

import java.util.Locale;

/** The DMARC method's result (RFC 8601 §2.7.4 / RFC 7489 §11.2): the {@code dmarc=} value in Authentication-Results. */
public enum DmarcResult {
    /** No policy published (or discovery found several records), or nothing to evaluate. */
    NONE,
    /** An aligned identifier passed. */
    PASS,
    /** A policy is published and no aligned identifier passed. */
    FAIL,
    /** A DNS lookup (or an aligned mechanism) failed temporarily; try again later, never reject on it. */
    TEMPERROR,
    /** The policy record (or the From header) is unusable. */
    PERMERROR;

    public String rfcName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
