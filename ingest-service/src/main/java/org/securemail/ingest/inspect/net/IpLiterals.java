package org.securemail.ingest.inspect.net;

import java.util.Arrays;

/**
 * Strict parsing of IPv4 and IPv6 literals: in SPF records (RFC 7208 {@code ip4}/{@code ip6}) and in A or AAAA record
 * data. Never asks DNS (unlike {@link java.net.InetAddress#getByName}, which looks a non-literal up), so hostile text
 * stays data; anything that is not a literal gives null, never an exception.
 */
public final class IpLiterals {

    /** The longest IPv6 literal, with a dotted IPv4 tail (RFC 4291 §2.2). */
    private static final int MAX_LENGTH = 45;

    private IpLiterals() {
    }

    /**
     * The 4 or 16 bytes of an IPv4 or IPv6 literal in record data, surrounding whitespace ignored, or null when
     * {@code text} is neither. IPv4 octets may have leading zeros (read as decimal).
     */
    public static byte[] parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.isEmpty() || t.length() > MAX_LENGTH) {
            return null;
        }
        return t.indexOf(':') >= 0 ? parseV6(t) : parseV4(t, true);
    }

    /** An IPv4 literal as the SPF grammar has it (four decimal octets, no leading zeros), or null. */
    public static byte[] parseV4(String text) {
        return parseV4(text, false);
    }

    /**
     * Four decimal octets of 1 to 3 ASCII digits, each at most 255, with leading zeros only when
     * {@code leadingZerosAllowed}; null otherwise.
     */
    public static byte[] parseV4(String text, boolean leadingZerosAllowed) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !allDigits(p)
                    || (!leadingZerosAllowed && p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int value = Integer.parseInt(p);
            if (value > 255) {
                return null;
            }
            out[i] = (byte) value;
        }
        return out;
    }

    /** An IPv6 literal (RFC 4291 §2.2: hex groups, at most one {@code ::}, an optional dotted IPv4 tail), or null. */
    public static byte[] parseV6(String text) {
        if (text == null || text.length() < 2 || text.length() > MAX_LENGTH) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] left = groups(gap < 0 ? text : text.substring(0, gap));
        int[] right = groups(gap < 0 ? "" : text.substring(gap + 2));
        if (left == null || right == null) {
            return null;
        }
        int count = left.length + right.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(left, 0, all, 0, left.length);
        System.arraycopy(right, 0, all, 8 - right.length, right.length);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (all[i] >> 8);
            out[2 * i + 1] = (byte) all[i];
        }
        return out;
    }

    /** Colon-separated 16-bit groups, the last of which may be a dotted IPv4 address (two groups); null if bad. */
    private static int[] groups(String part) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        if (pieces.length > 8) {
            return null;
        }
        int[] out = new int[pieces.length + 1];
        int n = 0;
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (i == pieces.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = parseV4(p);
                if (v4 == null) {
                    return null;
                }
                out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int value = 0;
            for (int k = 0; k < p.length(); k++) {
                int digit = hexDigit(p.charAt(k));
                if (digit < 0) {
                    return null;
                }
                value = value * 16 + digit;
            }
            out[n++] = value;
        }
        return Arrays.copyOf(out, n);
    }

    /** An ASCII hex digit's value, or -1 (no other script's digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
