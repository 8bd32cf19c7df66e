package org.securemail.dns.client;

import org.securemail.common.mail.DomainNames;

import com.google.common.net.InternetDomainName;

/**
 * The zone of a name: its registrable domain per the public suffix list (Guava's bundled copy), which is the unit of
 * the per-zone caps and the Kafka key of {@code dns.queries}. Client and service must agree on it, so both use this.
 */
public final class Zones {

    private Zones() {
    }

    /** Lower case, without the trailing dot ({@link DomainNames#lowerWithoutRootDot}). */
    public static String normalize(String name) {
        return DomainNames.lowerWithoutRootDot(name);
    }

    /**
     * The registrable domain of {@code name} ({@code mx1.mail.example.co.uk} gives {@code example.co.uk}). A name that
     * is itself a public suffix is its own zone; a name under no known suffix ({@code host.test}, reverse-lookup names,
     * invalid names) falls back to its last two labels.
     */
    public static String zoneOf(String name) {
        String normalized = normalize(name);
        if (normalized.isEmpty()) {
            return ".";
        }
        // Service labels (_dmarc, _25._tcp, selector._domainkey) are not host names: drop leading labels until
        // the rest is one, then ask the public suffix list.
        String candidate = normalized;
        while (true) {
            try {
                InternetDomainName domain = InternetDomainName.from(candidate);
                if (domain.isUnderPublicSuffix()) {
                    return domain.topPrivateDomain().toString();
                }
                if (domain.isPublicSuffix()) {
                    return candidate;
                }
                return lastTwoLabels(candidate);
            } catch (IllegalArgumentException | IllegalStateException notAHostName) {
                int dot = candidate.indexOf('.');
                if (dot < 0) {
                    return lastTwoLabels(normalized);
                }
                candidate = candidate.substring(dot + 1);
            }
        }
    }

    private static String lastTwoLabels(String name) {
        int last = name.lastIndexOf('.');
        if (last <= 0) {
            return name;
        }
        int previous = name.lastIndexOf('.', last - 1);
        return previous < 0 ? name : name.substring(previous + 1);
    }
}
