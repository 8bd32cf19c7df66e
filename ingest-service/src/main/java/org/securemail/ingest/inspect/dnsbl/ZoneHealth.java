package org.securemail.ingest.inspect.dnsbl;

import java.util.List;

/**
 * Whether a zone behaves as RFC 5782 §5 asks, from its test points: the test entry (127.0.0.2, or ::ffff:7f00:2 for
 * an IPv6 list) must be listed, 127.0.0.1 (::ffff:7f00:1) must not.
 *
 * @param zone        the zone
 * @param testEntry   what the zone said about the test entry, read with any listing code counting
 * @param absentEntry what the zone said about the address that must not be listed
 * @param healthy     both answers as they must be
 * @param problems    what is wrong, for an operator (empty when healthy)
 */
public record ZoneHealth(String zone, ZoneOutcome testEntry, ZoneOutcome absentEntry, boolean healthy,
        List<String> problems) {

    public ZoneHealth {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }
}
