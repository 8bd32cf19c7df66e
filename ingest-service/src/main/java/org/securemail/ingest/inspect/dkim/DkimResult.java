package org.securemail.ingest.inspect.dkim;

import java.util.Locale;

/** The outcome of verifying one DKIM signature, with the result names of RFC 8601 §2.7.1. */
public enum DkimResult {
    /** Not signed; never produced for a signature (the caller reports it when the list is empty). */
    NONE,
    /** The signature verified. */
    PASS,
    /** The signature or the body hash did not verify. */
    FAIL,
    /** The signature verified but is not acceptable by local policy. */
    POLICY,
    /** The signature could not be processed (not evaluated, or past a resource bound). */
    NEUTRAL,
    /** The key could not be fetched for a temporary reason; a later attempt may succeed. */
    TEMPERROR,
    /** The signature or its key record is unusable; a later attempt will not help. */
    PERMERROR;

    /** The lower-case name used in Authentication-Results ({@code dkim=pass}). */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
