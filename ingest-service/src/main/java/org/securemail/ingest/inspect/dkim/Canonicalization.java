package org.securemail.ingest.inspect.dkim;

import java.util.Locale;

/** The two canonicalisation algorithms of RFC 6376 §3.4, for header fields; bodies are in {@link BodyHasher}. */
enum Canonicalization {
    SIMPLE,
    RELAXED;

    static Canonicalization parse(String token) {
        return switch (token.toLowerCase(Locale.ROOT)) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw DkimFailure.permerror("unknown canonicalization " + TagList.shorten(token));
        };
    }

    /** The field in this canonical form, without a final CRLF. */
    String header(HeaderField field) {
        return this == SIMPLE ? field.text() : relaxedHeader(field.text());
    }

    /**
     * §3.4.2: lower-case the name, unfold, turn each run of WSP into one SP, drop WSP at the end of the value and
     * around the colon.
     */
    static String relaxedHeader(String text) {
        int colon = text.indexOf(':');
        String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1);
        StringBuilder out = new StringBuilder(name.length() + value.length() + 1).append(name).append(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.append(c);
            started = true;
        }
        return out.toString();
    }

    String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
