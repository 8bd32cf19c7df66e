package org.securemail.ingest.inspect.dnsbl;

import java.util.Objects;
import java.util.Set;

import org.securemail.common.mail.DomainNames;

/**
 * A blocklist zone to ask, with the return codes that count as a listing of it.
 *
 * @param zone        the zone ({@code zen.spamhaus.org}), stored lower case without a trailing dot
 * @param listedCodes the A record values ({@code "127.0.0.2"}) that mean listed; empty means any code in 127.0.0.0/8
 *                    except the refusal and error codes (see {@link ReturnCodes}). A configured code must be such a
 *                    listing code itself.
 */
public record DnsblZone(String zone, Set<String> listedCodes) {

    /** Zone names longer than this leave no room for an IPv6 query name (64 characters) within 253. */
    static final int MAX_ZONE = 253 - 64;

    public DnsblZone {
        Objects.requireNonNull(zone, "zone");
        zone = DomainNames.lowerWithoutRootDot(zone);
        if (!isZoneName(zone)) {
            throw new IllegalArgumentException("not a DNSBL zone name: \"" + zone + "\"");
        }
        listedCodes = listedCodes == null ? Set.of() : Set.copyOf(listedCodes);
        for (String code : listedCodes) {
            ReturnCode read = ReturnCodes.read(code, Set.of());
            if (read.kind() != ReturnCode.Kind.LISTING || !read.code().equals(code.trim())) {
                throw new IllegalArgumentException("\"" + code + "\" is not a listing code of a DNSBL: "
                        + read.meaning());
            }
        }
    }

    /** A zone where any listing code counts. */
    public static DnsblZone of(String zone) {
        return new DnsblZone(zone, Set.of());
    }

    /** A zone where only these codes count ({@code DnsblZone.of("zen.spamhaus.org", "127.0.0.2", "127.0.0.3")}). */
    public static DnsblZone of(String zone, String... listedCodes) {
        return new DnsblZone(zone, Set.of(listedCodes));
    }

    /** Whether a code counts as a listing of this zone. */
    boolean counts(String code) {
        return listedCodes.isEmpty() || listedCodes.contains(code);
    }

    private static boolean isZoneName(String name) {
        if (name.isEmpty() || name.length() > MAX_ZONE || name.indexOf('.') < 0) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
