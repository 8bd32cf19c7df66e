package org.securemail.common.mail;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one normalisation of domain and host names that ingest, delivery and the API share (issue 12: a trailing dot
 * or an upper-case letter must not make a provisioned domain look unknown, or its mail loops through the MX):
 * trimmed, trailing dot removed, IDNA to A-labels ({@link IDN#toASCII} with STD3 rules) and lower case.
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

    /**
     * The form to compare and route by: {@link #normalise}'s result, or, for what is not a host name (an address
     * literal such as {@code [192.0.2.1]}, a single label), the input trimmed, in lower case and without a trailing
     * dot, so that it matches no provisioned domain.
     */
    public static String canonical(String input) {
        return normalise(input).orElseGet(() -> lowerWithoutRootDot(input == null ? "" : input));
    }

    /**
     * {@code name} trimmed, in lower case and without its trailing (root) dot, nothing else: the comparison form of
     * any DNS name, including those that are not host names ({@code _dmarc.example.org}, reverse-lookup names).
     */
    public static String lowerWithoutRootDot(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** The Unicode form of an A-label name, for display. */
    public static String unicode(String ascii) {
        return IDN.toUnicode(ascii, IDN.ALLOW_UNASSIGNED);
    }
}
