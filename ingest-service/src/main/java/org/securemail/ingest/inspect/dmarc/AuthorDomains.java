package org.securemail.ingest.inspect.dmarc;

import java.util.List;

/**
 * The RFC5322.From author domains of a message (RFC 7489 §6.6.1), as {@link FromHeader#authorDomains} found them.
 *
 * @param domains    the distinct domains, normalised, in order of appearance; empty when there is none to evaluate
 * @param fromFields how many From fields the header section has
 * @param notes      what was odd (several fields, several addresses, an address without a usable domain)
 */
public record AuthorDomains(List<String> domains, int fromFields, List<String> notes) {

    public AuthorDomains {
        domains = List.copyOf(domains);
        notes = List.copyOf(notes);
    }

    /** One author domain, given directly (tests, callers that already parsed the field). */
    public static AuthorDomains of(String... domains) {
        return new AuthorDomains(List.of(domains), 1, List.of());
    }
}
