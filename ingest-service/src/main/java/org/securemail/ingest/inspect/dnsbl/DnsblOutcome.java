package org.securemail.ingest.inspect.dnsbl;

import java.util.List;

/**
 * What a blocklist check found.
 *
 * @param client      the client's address as checked (an IPv4-mapped IPv6 address is its IPv4 address)
 * @param zones       each zone's outcome, in the order the zones were given (duplicates once)
 * @param explanation the steps for operators, one line per zone
 */
public record DnsblOutcome(String client, List<ZoneOutcome> zones, List<String> explanation) {

    public DnsblOutcome {
        zones = zones == null ? List.of() : List.copyOf(zones);
        explanation = explanation == null ? List.of() : List.copyOf(explanation);
    }

    /** Whether any zone lists the client. */
    public boolean listed() {
        return zones.stream().anyMatch(z -> z.result() == DnsblResult.LISTED);
    }

    /** The zones that list the client. */
    public List<ZoneOutcome> listedZones() {
        return having(DnsblResult.LISTED);
    }

    /** The zones that could not be asked now (FAILED, BUSY, TIMEOUT): the check may be repeated later. */
    public List<ZoneOutcome> temperrorZones() {
        return having(DnsblResult.TEMPERROR);
    }

    /** The zones that answered with refusals, errors or garbage: an operator should look at them. */
    public List<ZoneOutcome> unknownZones() {
        return having(DnsblResult.UNKNOWN);
    }

    private List<ZoneOutcome> having(DnsblResult result) {
        return zones.stream().filter(z -> z.result() == result).toList();
    }
}
