package org.securemail.ingest.inspect.dmarc;

import java.util.Optional;

import org.securemail.common.mail.DomainNames;
import org.securemail.dns.client.Zones;

/**
 * The Organizational Domain of RFC 7489 §3.2: the public suffix of a name plus one label, from the Public Suffix List
 * (Guava's bundled copy). That is exactly the rule of {@link Zones#zoneOf} (the DNS service's unit of zone caps), so
 * this delegates to it instead of a second copy: a name that is itself a public suffix is its own organisational
 * domain, and a name under no listed suffix falls back to its last two labels (the list's implicit {@code *} rule).
 */
public final class OrganizationalDomain {

    private OrganizationalDomain() {
    }

    /** {@code mail.example.co.uk} gives {@code example.co.uk}; {@code name} must be a normalised host name. */
    public static String of(String name) {
        return Zones.zoneOf(name);
    }

    /** The normalised form of a domain taken from a message or an operator (A-labels, lower case), if it is one. */
    public static Optional<String> normalise(String domain) {
        return DomainNames.normalise(domain);
    }

    /** Relaxed alignment (§3.1): both names have the same organisational domain. */
    public static boolean relaxedMatch(String a, String b) {
        return of(a).equals(of(b));
    }
}
