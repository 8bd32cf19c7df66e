package org.securemail.ingest.inspect.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed macro-string (RFC 7208 §7.1): literal text and macro expansions, checked against the grammar when the
 * record is parsed, so that a bad macro anywhere makes the whole record {@code permerror} before anything runs.
 *
 * @param text           the source text
 * @param parts          literals and macros in order; {@code %%}, {@code %_} and {@code %-} are literals already
 * @param endsWithExpand whether the text ends with a macro-expand (one form of {@code domain-end})
 */
record MacroString(String text, List<Part> parts, boolean endsWithExpand) {

    /** Where a macro-string appears: in a record term, or in an explanation TXT record (§6.2). */
    enum Kind {
        /** A term of a record: no spaces; the letters c, r and t are not allowed (§7.3). */
        RECORD,
        /** The text of an explanation: spaces are literal, and c, r, t are allowed. */
        EXPLANATION
    }

    /** A piece of a macro-string. */
    sealed interface Part permits Literal, Macro {
    }

    /** Text taken as it is. */
    record Literal(String text) implements Part {
    }

    /**
     * {@code %{letter digits r delimiters}}.
     *
     * @param letter     the macro letter, lower case
     * @param urlEscape  the letter was upper case: the value is URL-escaped (§7.3)
     * @param digits     keep this many right-hand parts, 0 for all
     * @param reverse    reverse the parts first
     * @param delimiters the characters to split on, {@code "."} when none were given
     */
    record Macro(char letter, boolean urlEscape, int digits, boolean reverse, String delimiters) implements Part {
    }

    private static final String LETTERS = "slodiphcrtv";
    private static final String EXPLANATION_ONLY = "crt";
    private static final String DELIMITERS = ".-+,/_=";
    /** More parts than any name can have (127 labels); larger digit transformers mean "all" as well. */
    static final int MAX_DIGITS = 128;
    private static final Pattern TOPLABEL =
            Pattern.compile("[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");

    MacroString {
        parts = List.copyOf(parts);
    }

    /** Parses a macro-string of the given kind. */
    static MacroString parse(String text, Kind kind) throws SpfSyntaxException {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean endsWithExpand = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            endsWithExpand = c == '%';
            if (c != '%') {
                boolean allowed = (c > ' ' && c < 0x7f) || (c == ' ' && kind == Kind.EXPLANATION);
                if (!allowed) {
                    throw new SpfSyntaxException("character " + describe(c) + " not allowed in \"" + text + "\"");
                }
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new SpfSyntaxException("'%' at the end of \"" + text + "\"");
            }
            char next = text.charAt(i + 1);
            switch (next) {
                case '%' -> literal.append('%');
                case '_' -> literal.append(' ');
                case '-' -> literal.append("%20");
                case '{' -> {
                    int close = text.indexOf('}', i + 2);
                    if (close < 0) {
                        throw new SpfSyntaxException("unterminated macro in \"" + text + "\"");
                    }
                    if (!literal.isEmpty()) {
                        parts.add(new Literal(literal.toString()));
                        literal.setLength(0);
                    }
                    parts.add(macro(text.substring(i + 2, close), kind, text));
                    i = close + 1;
                    continue;
                }
                default -> throw new SpfSyntaxException(
                        "'%' followed by " + describe(next) + " in \"" + text + "\" (only %{...}, %%, %_, %- exist)");
            }
            i += 2;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new MacroString(text, parts, endsWithExpand);
    }

    /**
     * Parses a domain-spec (§7.1): a record macro-string that ends with a macro-expand or with a dot and a top label
     * (not all digits), optionally followed by a dot. So {@code a:192.0.2.1} is a syntax error.
     */
    static MacroString domainSpec(String text) throws SpfSyntaxException {
        if (text.isEmpty()) {
            throw new SpfSyntaxException("empty domain-spec");
        }
        MacroString spec = parse(text, Kind.RECORD);
        if (!spec.endsWithExpand) {
            String tail = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            int dot = tail.lastIndexOf('.');
            if (dot < 0 || !TOPLABEL.matcher(tail.substring(dot + 1)).matches()) {
                throw new SpfSyntaxException("\"" + text + "\" does not end with a top-level label or a macro");
            }
        }
        return spec;
    }

    private static Macro macro(String body, Kind kind, String text) throws SpfSyntaxException {
        if (body.isEmpty()) {
            throw new SpfSyntaxException("empty macro %{} in \"" + text + "\"");
        }
        char raw = body.charAt(0);
        char letter = Character.toLowerCase(raw);
        if (LETTERS.indexOf(letter) < 0 || raw > 0x7f) {
            throw new SpfSyntaxException("unknown macro letter '" + raw + "' in \"" + text + "\"");
        }
        if (kind == Kind.RECORD && EXPLANATION_ONLY.indexOf(letter) >= 0) {
            throw new SpfSyntaxException("macro letter '" + raw + "' is allowed only in explanations, in \"" + text
                    + "\"");
        }
        int i = 1;
        int digits = 0;
        boolean hasDigits = false;
        while (i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '9') {
            digits = Math.min(MAX_DIGITS, digits * 10 + (body.charAt(i) - '0'));
            hasDigits = true;
            i++;
        }
        if (hasDigits && digits == 0) {
            throw new SpfSyntaxException("the digit transformer must not be zero, in \"" + text + "\"");
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = body.substring(i);
        for (int k = 0; k < delimiters.length(); k++) {
            if (DELIMITERS.indexOf(delimiters.charAt(k)) < 0) {
                throw new SpfSyntaxException("bad transformer or delimiter '" + delimiters.charAt(k) + "' in \""
                        + text + "\"");
            }
        }
        return new Macro(letter, Character.isUpperCase(raw), digits, reverse,
                delimiters.isEmpty() ? "." : delimiters);
    }

    /** Whether a macro with this (lower-case) letter appears. */
    boolean uses(char letter) {
        for (Part part : parts) {
            if (part instanceof Macro macro && macro.letter() == letter) {
                return true;
            }
        }
        return false;
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    @Override
    public String toString() {
        return text;
    }
}
