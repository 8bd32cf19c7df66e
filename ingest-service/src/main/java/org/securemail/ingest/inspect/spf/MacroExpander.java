package org.securemail.ingest.inspect.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Expands a {@link MacroString} (RFC 7208 §7.3, §7.4): splits a value on its delimiters, optionally reverses the
 * parts, keeps the right-hand ones, joins them with dots, and URL-escapes it for an upper-case letter. The
 * {@code p} value must already be in the context (finding it takes DNS lookups, which are the evaluator's job).
 */
final class MacroExpander {

    /** No expansion grows past this; a longer one is an error (the record is hostile, no real name is this long). */
    static final int MAX_EXPANSION = 8192;
    /** The longest domain name in text form without the trailing dot (§7.3). */
    static final int MAX_DOMAIN = 253;

    private MacroExpander() {
    }

    /** The expansion, or a syntax exception when it would exceed {@link #MAX_EXPANSION} characters. */
    static String expand(MacroString macroString, MacroContext context) throws SpfSyntaxException {
        StringBuilder out = new StringBuilder();
        for (MacroString.Part part : macroString.parts()) {
            if (part instanceof MacroString.Macro macro) {
                out.append(expand(macro, context));
            } else if (part instanceof MacroString.Literal literal) {
                out.append(literal.text());
            }
            if (out.length() > MAX_EXPANSION) {
                throw new SpfSyntaxException("the expansion of \"" + macroString.text() + "\" exceeds "
                        + MAX_EXPANSION + " characters");
            }
        }
        return out.toString();
    }

    /**
     * Expands a domain-spec into a name to query: as {@link #expand}, then without a trailing dot, in lower case, and
     * with labels removed from the left until it is at most 253 characters long (§7.3).
     */
    static String expandDomain(MacroString domainSpec, MacroContext context) throws SpfSyntaxException {
        String name = expand(domainSpec, context);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return SpfDomains.truncate(name.toLowerCase(Locale.ROOT));
    }

    static String expand(MacroString.Macro macro, MacroContext context) {
        String value = switch (macro.letter()) {
            case 's' -> context.sender();
            case 'l' -> context.localPart();
            case 'o' -> context.senderDomain();
            case 'd' -> context.domain();
            case 'i' -> context.client().dotted();
            case 'p' -> context.validatedName();
            case 'v' -> context.client().version();
            case 'h' -> context.helo();
            case 'c' -> context.client().readable();
            case 'r' -> context.receiver();
            case 't' -> Long.toString(context.timestamp());
            default -> "";
        };
        String transformed = transform(value == null ? "" : value, macro);
        return macro.urlEscape() ? urlEscape(transformed) : transformed;
    }

    private static String transform(String value, MacroString.Macro macro) {
        if (macro.digits() == 0 && !macro.reverse() && ".".equals(macro.delimiters())) {
            return value;
        }
        List<String> parts = split(value, macro.delimiters());
        if (macro.reverse()) {
            Collections.reverse(parts);
        }
        if (macro.digits() > 0 && macro.digits() < parts.size()) {
            parts = parts.subList(parts.size() - macro.digits(), parts.size());
        }
        return String.join(".", parts);
    }

    private static List<String> split(String value, String delimiters) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, as UTF-8 octets. */
    static String urlEscape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
