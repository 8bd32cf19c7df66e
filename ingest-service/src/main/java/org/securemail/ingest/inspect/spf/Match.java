package org.securemail.ingest.inspect.spf;

/** What evaluating one mechanism gave (RFC 7208 §4.6.2, §5). */
enum Match {
    MATCH, NO_MATCH,
    /** A temporary DNS error: the whole check is {@code temperror}. */
    TEMPERROR,
    /** A limit exceeded or a bad target: the whole check is {@code permerror}. */
    PERMERROR;

    /** The check's result when this ends it ({@code TEMPERROR} or {@code PERMERROR}). */
    SpfResult error() {
        return this == TEMPERROR ? SpfResult.TEMPERROR : SpfResult.PERMERROR;
    }
}
