package org.securemail.ingest.inspect.spf;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/** The domain-name rules of SPF: what a {@code <domain>} must look like (RFC 7208 §4.3) and the §7.3 truncation. */
final class SpfDomains {

    private static final int MAX_LABEL = 63;

    private SpfDomains() {
    }

    /**
     * The identity's domain in the form to query: trimmed, without the trailing dot, IDNA A-labels in lower case; empty
     * when malformed (§4.3): an empty or over-long label, a single label, an address literal, a character other than
     * letter, digit, hyphen or underscore.
     */
    static Optional<String> identityDomain(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String name = raw.trim();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > 4 * MacroExpander.MAX_DOMAIN) {
            return Optional.empty();
        }
        if (!name.chars().allMatch(c -> c < 0x80)) {
            try {
                name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException notAName) {
                return Optional.empty();
            }
        }
        name = name.toLowerCase(Locale.ROOT);
        return isValid(name, true) ? Optional.of(name) : Optional.empty();
    }

    /**
     * Whether an expanded target name can be queried: at most 253 characters, two labels or more, each 1 to 63
     * visible ASCII characters. Looser than {@link #identityDomain} because local-parts ({@code %{l}}) and service
     * labels ({@code _spf}) end up in such names.
     */
    static boolean isQueryName(String name) {
        return isValid(name, false);
    }

    private static boolean isValid(String name, boolean hostLike) {
        if (name.isEmpty() || name.length() > MacroExpander.MAX_DOMAIN) {
            return false;
        }
        int labels = 0;
        int start = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - start;
                if (length == 0 || length > MAX_LABEL) {
                    return false;
                }
                labels++;
                start = i + 1;
                continue;
            }
            char c = name.charAt(i);
            boolean ok = hostLike
                    ? (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    : c > ' ' && c < 0x7f;
            if (!ok) {
                return false;
            }
        }
        return labels >= 2;
    }

    /** Removes labels from the left until the name is at most 253 characters long (§7.3). */
    static String truncate(String name) {
        String out = name;
        while (out.length() > MacroExpander.MAX_DOMAIN) {
            int dot = out.indexOf('.');
            if (dot < 0) {
                return out;
            }
            out = out.substring(dot + 1);
        }
        return out;
    }

    /** Whether {@code name} is {@code domain} or a subdomain of it (both lower case, without trailing dots). */
    static boolean isSameOrSubdomain(String name, String domain) {
        return name.equals(domain) || name.endsWith("." + domain);
    }

    /** A name from a record's data in comparison form: lower case, without the trailing dot. */
    static String fromRecord(String data) {
        String name = data.trim().toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
