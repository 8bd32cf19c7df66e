package org.securemail.ingest.inspect.dmarc;

import java.util.Locale;

/**
 * The result of an underlying mechanism (SPF or DKIM) as RFC 8601 names it, and as the aggregate report's
 * {@code SPFResultType} / {@code DKIMResultType} carry it (RFC 7489 Appendix C).
 */
public enum AuthResult {
    NONE, PASS, FAIL, SOFTFAIL, NEUTRAL, POLICY, TEMPERROR, PERMERROR;

    public String rfcName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The result an RFC 8601 name gives ({@code "pass"}, {@code "softfail"}...); anything unknown is NONE. */
    public static AuthResult fromName(String name) {
        if (name != null) {
            for (AuthResult r : values()) {
                if (r.rfcName().equalsIgnoreCase(name.trim())) {
                    return r;
                }
            }
        }
        return NONE;
    }
}
