package org.securemail.dns.listener;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.google.common.net.InetAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.securemail.common.dns.DnsType;

/**
 * Presentation form (as the service stores it, {@code DnsRecordData.data}) back to RDATA (RFC 1035 3.3, RFC 3596,
 * RFC 6698). Names are written uncompressed. A value that does not parse gives {@code null}: the record is left out
 * rather than sent wrong.
 */
final class RdataWriter {

    /** Longest character-string (RFC 1035 3.3). */
    static final int MAX_STRING = 255;

    private RdataWriter() {
    }

    /** RDATA for {@code data}, or null when it is not a valid presentation form of {@code type}. */
    static ByteBuf rdata(DnsType type, String data) {
        ByteBuf out = Unpooled.buffer();
        try {
            boolean ok = switch (type) {
                case A -> address(out, data, Inet4Address.class);
                case AAAA -> address(out, data, Inet6Address.class);
                case CNAME, NS, PTR -> name(out, data.trim());
                case MX -> mx(out, data);
                case TXT -> text(out, data);
                case SOA -> soa(out, data);
                case TLSA -> tlsa(out, data);
            };
            if (ok && out.readableBytes() <= 65535) {
                return out;
            }
        } catch (RuntimeException malformed) {
            // a number out of range, bad hex: the record is left out
        }
        out.release();
        return null;
    }

    private static boolean address(ByteBuf out, String data, Class<? extends InetAddress> family) {
        String text = data.trim();
        if (!InetAddresses.isInetAddress(text)) {
            return false;
        }
        InetAddress address = InetAddresses.forString(text);
        if (!family.isInstance(address)) {
            return false;
        }
        out.writeBytes(address.getAddress());
        return true;
    }

    private static boolean mx(ByteBuf out, String data) {
        String[] parts = data.trim().split("\\s+");
        if (parts.length != 2) {
            return false;
        }
        out.writeShort((int) unsigned(parts[0], 0xFFFF));
        return name(out, parts[1]);
    }

    /** RFC 7208 3.3 joined the strings; any split gives the same text back, so split at 255 bytes. */
    private static boolean text(ByteBuf out, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        int index = 0;
        do {
            int length = Math.min(MAX_STRING, bytes.length - index);
            out.writeByte(length);
            out.writeBytes(bytes, index, length);
            index += length;
        } while (index < bytes.length);
        return true;
    }

    private static boolean soa(ByteBuf out, String data) {
        String[] parts = data.trim().split("\\s+");
        if (parts.length != 7 || !name(out, parts[0]) || !name(out, parts[1])) {
            return false;
        }
        for (int i = 2; i < 7; i++) {
            out.writeInt((int) unsigned(parts[i], 0xFFFFFFFFL));
        }
        return true;
    }

    private static boolean tlsa(ByteBuf out, String data) {
        String[] parts = data.trim().split("\\s+", 4);
        if (parts.length != 4) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            out.writeByte((int) unsigned(parts[i], 0xFF));
        }
        out.writeBytes(HexFormat.of().parseHex(parts[3].replaceAll("\\s+", "")));
        return true;
    }

    private static long unsigned(String text, long max) {
        long value = Long.parseLong(text);
        if (value < 0 || value > max) {
            throw new NumberFormatException("out of range: " + text);
        }
        return value;
    }

    /** A domain name in wire form (RFC 1035 3.1); false when a label is empty or too long, or the name too long. */
    static boolean name(ByteBuf out, String name) {
        String text = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        int start = out.writerIndex();
        if (!text.isEmpty()) {
            for (String label : text.split("\\.", -1)) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                if (bytes.length == 0 || bytes.length > 63) {
                    return false;
                }
                out.writeByte(bytes.length);
                out.writeBytes(bytes);
            }
        }
        out.writeByte(0);
        return out.writerIndex() - start <= 255;
    }
}
