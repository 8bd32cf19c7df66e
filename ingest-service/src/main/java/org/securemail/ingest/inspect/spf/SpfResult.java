package org.securemail.ingest.inspect.spf;

import java.util.Locale;

/** The result of an SPF check (RFC 7208 §2.6). */
public enum SpfResult {
    NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

    /** The RFC's name for this result, lower case ({@code "softfail"}), as in Received-SPF and Authentication-Results. */
    public String rfcName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
