package org.securemail.ingest.inspect.spf;

import java.util.List;

/**
 * What an SPF check found and how.
 *
 * @param result      the result
 * @param identity    which identity was checked
 * @param sender      the {@code <sender>} of check_host(): the reverse-path, or {@code postmaster@<helo>}
 * @param domain      the {@code <domain>} the check started at (lower case), as given when it is not a valid domain
 * @param mechanism   the directive that decided the result as written in its record ({@code "-all"},
 *                    {@code "include:_spf.example.net"}), null when none matched or the check stopped on an error
 * @param explanation the expanded {@code exp=} text of the record that failed, null otherwise or when it could not
 *                    be had
 * @param trace       the steps that led to the result, for operators (records found, each term evaluated, limits)
 */
public record SpfOutcome(SpfResult result, SpfIdentity identity, String sender, String domain, String mechanism,
        String explanation, List<String> trace) {

    public SpfOutcome {
        trace = trace == null ? List.of() : List.copyOf(trace);
    }
}
