package org.securemail.delivery.smtp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one delivery attempt to a destination produced.
 *
 * @param results       per recipient, in transaction order
 * @param connected     true when some next hop greeted us (the destination is alive)
 * @param tried         the hops tried, {@code host[ip]:port}
 */
public record SessionResult(Map<String, AttemptResult> results, boolean connected, List<String> tried) {

    public SessionResult {
        results = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(results));
        tried = List.copyOf(tried);
    }

    /** Every recipient gets the same result (no session, DNS failure, suspension...). */
    public static SessionResult all(List<String> recipients, AttemptResult result, boolean connected, List<String> tried) {
        Map<String, AttemptResult> map = new LinkedHashMap<>();
        recipients.forEach(r -> map.put(r, result));
        return new SessionResult(map, connected, tried);
    }
}
