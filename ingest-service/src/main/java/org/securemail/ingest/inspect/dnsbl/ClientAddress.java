package org.securemail.ingest.inspect.dnsbl;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address as the reverse-lookup checks see it: an IPv4-mapped IPv6 client ({@code ::ffff:a.b.c.d}) is
 * its IPv4 address, since that is the address the mail came from. Gives the reversed query names and the readable
 * form without ever asking DNS.
 */
final class ClientAddress {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] bytes;

    private ClientAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    static ClientAddress of(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16 && isV4Mapped(raw)) {
            return new ClientAddress(Arrays.copyOfRange(raw, 12, 16));
        }
        return new ClientAddress(raw);
    }

    /** Exactly these 4 or 16 bytes, an IPv4-mapped IPv6 address included (the RFC 5782 §5 IPv6 test points). */
    static ClientAddress ofBytes(byte[] raw) {
        if (raw.length != 4 && raw.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + raw.length);
        }
        return new ClientAddress(raw.clone());
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

    /** Whether these are the address's bytes (an address record's data parsed with {@link IpLiterals#parse}). */
    boolean sameAs(byte[] other) {
        return Arrays.equals(bytes, other);
    }

    /**
     * The address reversed for a lookup under {@code suffix} (RFC 5782 §2.1, §2.4): IPv4 octets in decimal
     * ({@code 2.0.0.127.<suffix>}), IPv6 the 32 nibbles in hexadecimal, least significant first.
     */
    String reversedUnder(String suffix) {
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

    /** The PTR name of the address ({@code 1.2.0.192.in-addr.arpa}, {@code ....8.b.d.0.1.0.0.2.ip6.arpa}). */
    String reverseName() {
        return reversedUnder(isV4() ? "in-addr.arpa" : "ip6.arpa");
    }

    /** Dotted decimal, or IPv6 in RFC 5952 form ({@code 2001:db8::1}). */
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
    public String toString() {
        return readable();
    }
}
