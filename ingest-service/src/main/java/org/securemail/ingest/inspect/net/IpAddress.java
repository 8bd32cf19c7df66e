package org.securemail.ingest.inspect.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address as the inspection checks see it. A client connecting over an IPv4-mapped IPv6 address
 * ({@code ::ffff:a.b.c.d}) is its IPv4 address (RFC 7208 §5; it is the address the mail came from), unless built
 * with {@link #exactly}. Gives the reversed lookup names, the SPF macro forms and the RFC 5952 readable form without
 * ever asking DNS (unlike {@link InetAddress#getByName}).
 */
public final class IpAddress {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The client's address; an IPv4-mapped IPv6 address becomes its IPv4 address. */
    public static IpAddress of(InetAddress address) {
        return ofBytes(Objects.requireNonNull(address, "address").getAddress());
    }

    /** From 4 or 16 bytes; an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) becomes its IPv4 address. */
    public static IpAddress ofBytes(byte[] raw) {
        if (raw.length == 16 && isV4Mapped(raw)) {
            return new IpAddress(Arrays.copyOfRange(raw, 12, 16));
        }
        return exactly(raw);
    }

    /** Exactly these 4 or 16 bytes, an IPv4-mapped IPv6 address included (the RFC 5782 §5 IPv6 test points). */
    public static IpAddress exactly(byte[] raw) {
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

    public boolean isV4() {
        return bytes.length == 4;
    }

    /** Whether these are the address's bytes (an address record's data parsed with {@link IpLiterals#parse}). */
    public boolean sameAs(byte[] other) {
        return Arrays.equals(bytes, other);
    }

    /** True when the first {@code prefix} bits equal those of {@code network} (same family only). */
    public boolean inNetwork(byte[] network, int prefix) {
        if (network == null || network.length != bytes.length || prefix < 0 || prefix > bytes.length * 8) {
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

    /** SPF's {@code i} macro: dotted decimal for IPv4, 32 dot-separated nibbles for IPv6 (RFC 7208 §7.3). */
    public String dotted() {
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

    /** The reverse tree's label, {@code in-addr} or {@code ip6}; also SPF's {@code v} macro (RFC 7208 §7.3). */
    public String version() {
        return isV4() ? "in-addr" : "ip6";
    }

    /**
     * The address reversed for a lookup under {@code suffix} (RFC 5782 §2.1, §2.4): IPv4 octets in decimal
     * ({@code 2.0.0.127.<suffix>}), IPv6 the 32 nibbles in hexadecimal, least significant first.
     */
    public String reversedUnder(String suffix) {
        StringBuilder out = new StringBuilder(72 + suffix.length());
        for (int i = bytes.length - 1; i >= 0; i--) {
            int b = bytes[i] & 0xff;
            if (isV4()) {
                out.append(b).append('.');
            } else {
                out.append(HEX[b & 0xf]).append('.').append(HEX[b >> 4]).append('.');
            }
        }
        return out.append(suffix).toString();
    }

    /** The name to look PTR records up at ({@code 3.2.0.192.in-addr.arpa}, {@code ....8.b.d.0.1.0.0.2.ip6.arpa}). */
    public String reverseName() {
        return reversedUnder(version() + ".arpa");
    }

    /** Dotted decimal, or IPv6 in RFC 5952 form ({@code 2001:db8::cb01}); also SPF's {@code c} macro. */
    public String readable() {
        if (isV4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952 §4.2: the longest run of two or more zero groups (the first if tied) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        int i = 0;
        while (i < 8) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i + 1, j);
        }
        StringBuilder out = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                out.append("::");
                k += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[k]));
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
}
