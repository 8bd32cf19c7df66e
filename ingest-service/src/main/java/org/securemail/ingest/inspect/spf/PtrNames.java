package org.securemail.ingest.inspect.spf;

import java.util.List;

/**
 * The validated domain names of the client (RFC 7208 §5.5): the PTR names whose own addresses include the client.
 *
 * @param names     the validated names, in the PTR answer's order
 * @param voidLookup the PTR lookup found nothing (NXDOMAIN or no records)
 */
record PtrNames(List<String> names, boolean voidLookup) {

    PtrNames {
        names = List.copyOf(names);
    }

    /**
     * The {@code p} macro for {@code domain} (§7.3): the domain itself if validated, else a validated subdomain of
     * it, else any validated name, else {@code unknown}.
     */
    String pick(String domain) {
        if (names.contains(domain)) {
            return domain;
        }
        return names.stream().filter(n -> SpfDomains.isSameOrSubdomain(n, domain)).findFirst()
                .orElse(names.isEmpty() ? MacroContext.UNKNOWN : names.get(0));
    }
}
