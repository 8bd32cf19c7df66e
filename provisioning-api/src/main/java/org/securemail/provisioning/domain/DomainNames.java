package org.securemail.provisioning.domain;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises domain and host names: trimmed, trailing dot removed, IDNA to A-labels ({@link IDN#toASCII} with
 * STD3 rules) and lower case. Returns empty for a name that is not a valid host name.
 */
public final class DomainNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private DomainNames() {
    }

    /** A fully qualified domain name with at least two labels, as A-labels in lower case. */
    public static Optional<String> normalise(String input) {
        if (input == null) {
            return Optional.empty();
        }
        String name = input.trim();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.length() > 253) {
            return Optional.empty();
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(ascii);
    }

    /** The Unicode form of an A-label name, for display. */
    public static String unicode(String ascii) {
        return IDN.toUnicode(ascii, IDN.ALLOW_UNASSIGNED);
    }
}
