package org.securemail.dns.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Locale;

import com.google.common.net.InetAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DnsRecordType;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.DomainNames;

/**
 * RDATA to presentation form for the types the service resolves (names may be compressed: RFC 1035 4.1.4), and the
 * one table of their wire type codes, which the listener uses too.
 */
public final class WireFormat {

    private WireFormat() {
    }

    /** The Netty record type of {@code type}. */
    public static DnsRecordType netty(DnsType type) {
        return DnsRecordType.valueOf(code(type));
    }

    /** The wire type code of {@code type} (RFC 1035 3.2.2, RFC 3596, RFC 6698). */
    public static int code(DnsType type) {
        return switch (type) {
            case A -> 1;
            case NS -> 2;
            case CNAME -> 5;
            case SOA -> 6;
            case PTR -> 12;
            case MX -> 15;
            case TXT -> 16;
            case AAAA -> 28;
            case TLSA -> 52;
        };
    }

    /** The type with this wire code, or null when the service does not resolve it. */
    public static DnsType type(int code) {
        for (DnsType type : DnsType.values()) {
            if (code(type) == code) {
                return type;
            }
        }
        return null;
    }

    /**
     * The RDATA at the reader index of {@code in} (length {@code length}) in presentation form. {@code in} must be a
     * view of the whole message so that compression pointers (absolute offsets) resolve.
     */
    static String rdata(DnsType type, ByteBuf in, int length) throws UnknownHostException {
        int start = in.readerIndex();
        return switch (type) {
            case A, AAAA -> {
                byte[] address = new byte[length];
                in.getBytes(start, address);
                yield InetAddresses.toAddrString(InetAddress.getByAddress(address));
            }
            case MX -> in.getUnsignedShort(start) + " " + name(in, start + 2);
            case CNAME, NS, PTR -> name(in, start);
            case TXT -> text(in, start, length);
            case SOA -> soa(in, start);
            case TLSA -> in.getUnsignedByte(start) + " " + in.getUnsignedByte(start + 1) + " "
                    + in.getUnsignedByte(start + 2) + " " + hex(in, start + 3, length - 3);
        };
    }

    /** The SOA minimum field of SOA RDATA at the reader index. */
    static long soaMinimum(ByteBuf in) {
        int afterNames = skipName(in, skipName(in, in.readerIndex()));
        return in.getUnsignedInt(afterNames + 16);
    }

    private static String soa(ByteBuf in, int start) {
        int afterMname = skipName(in, start);
        int afterRname = skipName(in, afterMname);
        return name(in, start) + " " + name(in, afterMname) + " " + in.getUnsignedInt(afterRname) + " "
                + in.getUnsignedInt(afterRname + 4) + " " + in.getUnsignedInt(afterRname + 8) + " "
                + in.getUnsignedInt(afterRname + 12) + " " + in.getUnsignedInt(afterRname + 16);
    }

    /** TXT: the character-strings concatenated, as SPF (RFC 7208 3.3) and DMARC read them. */
    private static String text(ByteBuf in, int start, int length) {
        StringBuilder out = new StringBuilder();
        int index = start;
        while (index < start + length) {
            int len = in.getUnsignedByte(index++);
            byte[] chunk = new byte[len];
            in.getBytes(index, chunk);
            out.append(new String(chunk, java.nio.charset.StandardCharsets.UTF_8));
            index += len;
        }
        return out.toString();
    }

    private static String hex(ByteBuf in, int start, int length) {
        byte[] bytes = new byte[Math.max(0, length)];
        in.getBytes(start, bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A domain name at absolute {@code index}, following compression pointers; lower case, no trailing dot. */
    static String name(ByteBuf in, int index) {
        StringBuilder out = new StringBuilder();
        int position = index;
        int jumps = 0;
        while (true) {
            int len = in.getUnsignedByte(position);
            if ((len & 0xC0) == 0xC0) {
                if (++jumps > 64) {
                    throw new IllegalArgumentException("compression loop");
                }
                position = ((len & 0x3F) << 8) | in.getUnsignedByte(position + 1);
                continue;
            }
            if (len == 0) {
                break;
            }
            if (!out.isEmpty()) {
                out.append('.');
            }
            byte[] label = new byte[len];
            in.getBytes(position + 1, label);
            out.append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
            position += 1 + len;
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    static String normalizeName(String name) {
        return DomainNames.lowerWithoutRootDot(name);
    }

    /** The index just after the name starting at {@code index} (a pointer ends the name in place). */
    private static int skipName(ByteBuf in, int index) {
        int position = index;
        while (true) {
            int len = in.getUnsignedByte(position);
            if ((len & 0xC0) == 0xC0) {
                return position + 2;
            }
            if (len == 0) {
                return position + 1;
            }
            position += 1 + len;
        }
    }
}
