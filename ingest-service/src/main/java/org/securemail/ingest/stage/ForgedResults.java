package org.securemail.ingest.stage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Removes the {@code Authentication-Results} header fields that claim this platform's authserv-id (RFC 8601 §5): only
 * this server writes results under its own name, so a field that arrives with it was written by someone else to be
 * believed. Every other byte of the message is kept as it is (DKIM signatures over other fields stay valid).
 *
 * <p>One pass over the whole header section (up to the first empty line: a forged field after a megabyte of padding
 * is found too), no copy unless a field is removed. A quoted authserv-id ({@code "mx.example"}, RFC 8601 allows a
 * quoted-string) is compared unquoted.
 */
final class ForgedResults {

    private static final String FIELD = "authentication-results";

    private ForgedResults() {
    }

    /** The message without the fields claiming {@code authservId}; the same array when there is none. */
    static byte[] strip(byte[] message, String authservId) {
        String ours = authservId.toLowerCase(Locale.ROOT);
        int limit = message.length;
        ByteArrayOutputStream kept = null;
        int copiedUpTo = 0;
        int start = 0;
        while (start < limit && !emptyLine(message, start)) {
            int end = fieldEnd(message, start, limit);
            if (claims(message, start, end, ours)) {
                if (kept == null) {
                    kept = new ByteArrayOutputStream(message.length);
                }
                kept.write(message, copiedUpTo, start - copiedUpTo);
                copiedUpTo = end;
            }
            start = end;
        }
        if (kept == null) {
            return message;
        }
        kept.write(message, copiedUpTo, message.length - copiedUpTo);
        return kept.toByteArray();
    }

    /** The authserv-id of an Authentication-Results field value: its first token, after CFWS. */
    static String authservId(String value) {
        int i = skipCfws(value, 0);
        if (i < value.length() && value.charAt(i) == '"') {
            StringBuilder unquoted = new StringBuilder();
            for (i++; i < value.length() && value.charAt(i) != '"'; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    c = value.charAt(++i);
                }
                unquoted.append(c);
            }
            return unquoted.toString().toLowerCase(Locale.ROOT);
        }
        int start = i;
        while (i < value.length() && ";()\r\n \t".indexOf(value.charAt(i)) < 0) {
            i++;
        }
        return value.substring(start, i).toLowerCase(Locale.ROOT);
    }

    private static boolean claims(byte[] message, int start, int end, String ours) {
        int colon = -1;
        for (int i = start; i < end; i++) {
            if (message[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return false;
        }
        String name = new String(message, start, colon - start, StandardCharsets.ISO_8859_1).trim();
        if (!name.equalsIgnoreCase(FIELD)) {
            return false;
        }
        String value = new String(message, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1);
        return authservId(value).equals(ours);
    }

    /** Skips whitespace, folding and (nested) comments. */
    private static int skipCfws(String s, int i) {
        int depth = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == '\\' && depth > 0) {
                i++;
            } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return i;
            }
            i++;
        }
        return i;
    }

    private static boolean emptyLine(byte[] m, int i) {
        return m[i] == '\n' || (m[i] == '\r' && i + 1 < m.length && m[i + 1] == '\n');
    }

    /** The index after the field starting at {@code start}: after its last line's LF, continuation lines included. */
    private static int fieldEnd(byte[] m, int start, int limit) {
        int i = start;
        while (i < limit) {
            if (m[i] == '\n') {
                int next = i + 1;
                if (next >= m.length || (m[next] != ' ' && m[next] != '\t')) {
                    return next;
                }
            }
            i++;
        }
        return limit;
    }
}
