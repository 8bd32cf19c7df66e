package org.securemail.ingest.inspect.dnsbl;

/**
 * Strict parsing of the address in an A or AAAA record's presentation data. Never asks DNS (unlike
 * {@link java.net.InetAddress#getByName}, which looks a non-literal up), so hostile record data stays data.
 */
final class IpLiterals {

    private IpLiterals() {
    }

    /** The 4 or 16 bytes of an IPv4 or IPv6 literal, or null when {@code text} is neither. */
    static byte[] parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.isEmpty() || t.length() > 45) {
            return null;
        }
        return t.indexOf(':') >= 0 ? parseV6(t) : parseV4(t);
    }

    /** Four decimal octets of 1 to 3 digits, each at most 255; null otherwise. */
    static byte[] parseV4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
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

    /** Hex groups with at most one {@code ::} and an optional dotted IPv4 tail (RFC 4291 §2.2); null otherwise. */
    static byte[] parseV6(String text) {
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
                int digit = Character.digit(p.charAt(k), 16);
                if (digit < 0 || p.charAt(k) > 'f') {
                    return null;
                }
                value = value * 16 + digit;
            }
            out[n++] = value;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
