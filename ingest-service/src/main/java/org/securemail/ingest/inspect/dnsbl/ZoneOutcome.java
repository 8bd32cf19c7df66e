package org.securemail.ingest.inspect.dnsbl;

import java.util.List;

/**
 * What one zone said.
 *
 * @param zone        the zone asked
 * @param query       the name asked ({@code 2.0.0.127.zen.example}), null when the zone was not asked
 * @param result      the result
 * @param codes       the return codes read from the answer (every kind, in the answer's order, bounded)
 * @param reason      for a listing, the zone's TXT record(s) at the same name (printable, bounded), null when there
 *                    is none or it could not be had in time
 * @param explanation one line for operators: what was asked, what came back and how it was read
 */
public record ZoneOutcome(String zone, String query, DnsblResult result, List<ReturnCode> codes, String reason,
        String explanation) {

    public ZoneOutcome {
        codes = codes == null ? List.of() : List.copyOf(codes);
    }

    /** The codes that made this a listing ({@code "127.0.0.2"}). */
    public List<String> listingCodes() {
        return codes.stream().filter(c -> c.kind() == ReturnCode.Kind.LISTING).map(ReturnCode::code).toList();
    }

    ZoneOutcome withReason(String text) {
        String line = text == null ? explanation : explanation + ", reason \"" + text + "\"";
        return new ZoneOutcome(zone, query, result, codes, text, line);
    }
}
