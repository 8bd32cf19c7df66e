package org.securemail.ingest.inspect.spf;

import java.util.List;

/**
 * A parsed SPF record (RFC 7208 §4.6): its directives in order and its two known modifiers.
 *
 * @param directives the directives, in the order they are evaluated
 * @param redirect   the {@code redirect=} domain-spec, or null
 * @param exp        the {@code exp=} domain-spec, or null
 */
record SpfRecord(List<Directive> directives, MacroString redirect, MacroString exp) {

    SpfRecord {
        directives = List.copyOf(directives);
    }

    /** Whether an {@code all} appears anywhere, which makes {@code redirect} ignored (§5.1). */
    boolean hasAll() {
        return directives.stream().anyMatch(d -> d.mechanism() instanceof Mechanism.All);
    }
}
