package org.securemail.ingest.inspect.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DKIM tag=value list (RFC 6376 §3.2), as found in DKIM-Signature fields and key records.
 *
 * <p>Tag names are case-sensitive; whitespace (FWS) around names, '=' and values is dropped, whitespace inside a
 * value is kept (callers drop it where the tag's syntax says so, e.g. base64). A duplicate tag name makes the whole
 * list invalid (§3.2). Empty entries ({@code a=1;;b=2}) are tolerated, as real-world records have them.
 */
record TagList(Map<String, String> tags, List<String> order) {

    /** No tag list has more entries than this; a longer one is invalid. */
    static final int MAX_TAGS = 64;

    TagList {
        tags = Collections.unmodifiableMap(tags);
        order = List.copyOf(order);
    }

    /** The list, or a {@link DkimFailure} (permerror) naming what is wrong. */
    static TagList parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int end = text.indexOf(';', start);
            if (end < 0) {
                end = length;
            }
            String spec = text.substring(start, end);
            if (!isBlank(spec)) {
                int eq = spec.indexOf('=');
                if (eq < 0) {
                    throw DkimFailure.permerror("tag without '=': " + shorten(spec.strip()));
                }
                String name = trimFws(spec.substring(0, eq));
                if (!validName(name)) {
                    throw DkimFailure.permerror("bad tag name: " + shorten(name));
                }
                String value = trimFws(spec.substring(eq + 1));
                if (!validValue(value)) {
                    throw DkimFailure.permerror("bad characters in tag " + name);
                }
                if (tags.putIfAbsent(name, value) != null) {
                    throw DkimFailure.permerror("duplicate tag " + name);
                }
                if (tags.size() > MAX_TAGS) {
                    throw DkimFailure.permerror("more than " + MAX_TAGS + " tags");
                }
            }
            start = end + 1;
        }
        return new TagList(tags, List.copyOf(tags.keySet()));
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    boolean has(String name) {
        return tags.containsKey(name);
    }

    /** The value of a tag that must be present. */
    String required(String name) {
        String value = tags.get(name);
        if (value == null) {
            throw DkimFailure.permerror("missing required tag " + name + "=");
        }
        return value;
    }

    /** The value with every whitespace character (SP, HTAB, CR, LF) removed, as base64 and h= values are read. */
    static String stripFws(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isFws(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String trimFws(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && isFws(value.charAt(from))) {
            from++;
        }
        while (to > from && isFws(value.charAt(to - 1))) {
            to--;
        }
        return value.substring(from, to);
    }

    static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isBlank(String spec) {
        for (int i = 0; i < spec.length(); i++) {
            if (!isFws(spec.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** tag-name = ALPHA *ALNUMPUNC, ALNUMPUNC = ALPHA / DIGIT / "_". */
    private static boolean validName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** VALCHAR (%x21-3A / %x3C-7E) with inner whitespace; octets above 0x7F are let through (RFC 8616, EAI). */
    private static boolean validValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean valchar = c >= 0x21 && c <= 0x7E && c != ';';
            if (!valchar && !isFws(c) && c < 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
