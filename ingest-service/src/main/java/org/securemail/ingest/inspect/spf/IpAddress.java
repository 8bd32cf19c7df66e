package org.securemail.ingest.inspect.spf;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address as SPF sees it: an IPv4-mapped IPv6 address is IPv4 (RFC 7208 §5). Parses literals without
 * ever asking DNS (unlike {@link InetAddress#getByName}) and formats them for the {@code i}, {@code c} macros and for
 * reverse lookups.
 */
final class IpAddress {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    static IpAddress of(InetAddress address) {
        return ofBytes(address.getAddress());
    }

    /** From 4 or 16 bytes; an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) becomes its IPv4 address. */
    static IpAddress ofBytes(byte[] raw) {
        if (raw.length == 16 && isV4Mapped(raw)) {
            return new IpAddress(Arrays.copyOfRange(raw, 12, 16));
        }
        if (raw.length != 4 && raw.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + raw.length);
        }
        return new IpAddress(raw.clone());
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    boolean isV4() {
        return bytes.length == 4;
    }

    /** True when the first {@code prefix} bits equal those of {@code network} (same family only). */
    boolean inNetwork(byte[] network, int prefix) {
        if (network.length != bytes.length || prefix < 0 || prefix > bytes.length * 8) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    /** The {@code i} macro: dotted decimal for IPv4, 32 dot-separated nibbles for IPv6 (RFC 7208 §7.3). */
    String dotted() {
        if (isV4()) {
            return readable();
        }
        StringBuilder out = new StringBuilder(63);
        for (byte b : bytes) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(HEX[(b >> 4) & 0xf]).append('.').append(HEX[b & 0xf]);
        }
        return out.toString();
    }

    /** The {@code v} macro. */
    String version() {
        return isV4() ? "in-addr" : "ip6";
    }

    /** The name to look PTR records up at ({@code 3.2.0.192.in-addr.arpa}, {@code ....ip6.arpa}). */
    String reverseName() {
        String[] parts = dotted().split("\\.");
        StringBuilder out = new StringBuilder(72);
        for (int i = parts.length - 1; i >= 0; i--) {
            out.append(parts[i]).append('.');
        }
        return out.append(isV4() ? "in-addr.arpa" : "ip6.arpa").toString();
    }

    /** The {@code c} macro and the trace: dotted decimal, or IPv6 in RFC 5952 form ({@code 2001:db8::cb01}). */
    String readable() {
        if (isV4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpAddress that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return readable();
    }

    /** An IPv4 literal as the SPF grammar has it (four decimal octets, no leading zeros), or null. */
    static byte[] parseV4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !allDigits(p)) {
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

    /** An IPv6 literal (RFC 4291 §2.2: hex groups, one {@code ::}, an optional dotted IPv4 tail), or null. */
    static byte[] parseV6(String text) {
        if (text.length() < 2 || text.length() > 45) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] left = groups(head);
        int[] right = groups(tail);
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
                if (digit < 0) {
                    return null;
                }
                value = value * 16 + digit;
            }
            out[n++] = value;
        }
        return Arrays.copyOf(out, n);
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
