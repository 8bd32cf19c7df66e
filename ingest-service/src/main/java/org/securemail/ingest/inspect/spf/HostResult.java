package org.securemail.ingest.inspect.spf;

/**
 * The result of one check_host() (RFC 7208 §4), before it becomes an {@link SpfOutcome}.
 *
 * @param result      the result
 * @param mechanism   the directive that matched, as written, or null
 * @param explanation the expanded explanation when {@code result} is fail and the record had {@code exp=}, or null
 */
record HostResult(SpfResult result, String mechanism, String explanation) {

    static HostResult of(SpfResult result) {
        return new HostResult(result, null, null);
    }
}
