package org.securemail.ingest.inspect.dnsbl;

import java.util.Set;
import org.securemail.ingest.inspect.net.IpLiterals;

/**
 * How the A records of a blocklist answer are read. RFC 5782 §2.1: a listing is an A record, conventionally in
 * 127.0.0.0/8, 127.0.0.2 being the test entry; 127.0.0.1 must never be listed (§5). Public lists answer refusals and
 * errors with codes of their own, which must never be taken for a listing:
 * <ul>
 * <li>127.0.0.1: SURBL and URIBL when they block a querier (over the free-use limit, public resolver);</li>
 * <li>127.255.255.0/24: Spamhaus's error range (.252 mistyped zone or bad access key, .254 query through a public or
 * open resolver, .255 excessive number of queries);</li>
 * <li>127.0.1.255: the Spamhaus domain list asked about an IP address;</li>
 * <li>anything outside 127.0.0.0/8: no DNSBL code at all; lists that shut down have been known to answer every
 * query with a real address (a wildcard), and a parked domain does the same.</li>
 * </ul>
 */
final class ReturnCodes {

    /** A code longer than this is garbage, shown cut. */
    private static final int MAX_SHOWN = 64;

    private ReturnCodes() {
    }

    /** Reads one A record's data for a zone whose listing codes are {@code listedCodes} (empty: any). */
    static ReturnCode read(String data, Set<String> listedCodes) {
        String shown = data == null ? "" : printable(data.strip(), MAX_SHOWN);
        byte[] address = IpLiterals.parseV4(shown, true);
        if (address == null) {
            return new ReturnCode(shown, ReturnCode.Kind.NOT_A_CODE, "not an IPv4 address");
        }
        int a = address[0] & 0xff;
        int b = address[1] & 0xff;
        int c = address[2] & 0xff;
        int d = address[3] & 0xff;
        String code = a + "." + b + "." + c + "." + d;
        if (a != 127) {
            return new ReturnCode(code, ReturnCode.Kind.NOT_A_CODE, "outside 127.0.0.0/8, not a DNSBL return code"
                    + " (the list may be gone and its domain wildcarded or parked)");
        }
        if (b == 0 && c == 0 && d == 1) {
            return new ReturnCode(code, ReturnCode.Kind.REFUSAL, "127.0.0.1 is never a listing (RFC 5782 §5);"
                    + " lists such as SURBL and URIBL answer it when they refuse the querier");
        }
        if (b == 255 && c == 255) {
            return new ReturnCode(code, ReturnCode.Kind.REFUSAL, switch (d) {
                case 252 -> "error code: mistyped zone name or invalid access key";
                case 254 -> "error code: query through a public or open resolver refused";
                case 255 -> "error code: over the free-use limit (excessive number of queries)";
                default -> "error code of the 127.255.255.0/24 error range";
            });
        }
        if (b == 0 && c == 1 && d == 255) {
            return new ReturnCode(code, ReturnCode.Kind.REFUSAL, "error code: a domain list asked about an IP address");
        }
        if (!listedCodes.isEmpty() && !listedCodes.contains(code)) {
            return new ReturnCode(code, ReturnCode.Kind.OTHER_LISTING, "a code this zone is not used for");
        }
        return new ReturnCode(code, ReturnCode.Kind.LISTING,
                code.equals("127.0.0.2") ? "listed; also the RFC 5782 test entry's code" : "listed");
    }

    /** Control and non-ASCII characters replaced, length bounded: record data is shown to operators as is. */
    static String printable(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char ch = text.charAt(i);
            out.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return out.toString();
    }
}
