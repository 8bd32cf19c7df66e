package org.securemail.dns.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Looks at a raw DNS message (RFC 1035 4.1, without the TCP length) before Netty's decoder does: only a well-formed
 * standard query goes on. Everything is read within the message's bounds, each loop ends by the message's length.
 * It also writes the short replies sent without decoding (FORMERR, NOTIMP, REFUSED, or an empty TC=1).
 */
final class QueryScreen {

    static final int HEADER = 12;
    private static final int OPT = 41;

    /** What to do with a message. */
    enum Verdict {
        /** Decode and answer. */
        ACCEPT,
        /** Leave unanswered: shorter than a header, or a response (QR=1). */
        DROP,
        /** Malformed: wrong question count, bad name, records past the end, more than one OPT. */
        FORMERR,
        /** An opcode other than QUERY (NOTIFY, UPDATE, IQUERY...). */
        NOTIMP,
        /** A question name this service cannot carry (a dot or a non-printable byte inside a label). */
        REFUSED
    }

    /**
     * @param questionEnd offset just after the question, or -1 when the question is not readable (not echoed)
     */
    record Screened(Verdict verdict, int questionEnd) {
    }

    private QueryScreen() {
    }

    /** {@code message}'s readable bytes are the whole message; its indexes are not moved. */
    static Screened check(ByteBuf message) {
        int base = message.readerIndex();
        int end = base + message.readableBytes();
        if (end - base < HEADER) {
            return new Screened(Verdict.DROP, -1);
        }
        int flags = message.getUnsignedShort(base + 2);
        if ((flags & 0x8000) != 0) {
            return new Screened(Verdict.DROP, -1);
        }
        if (((flags >> 11) & 0xF) != 0) {
            return new Screened(Verdict.NOTIMP, -1);
        }
        if (message.getUnsignedShort(base + 4) != 1) {
            return new Screened(Verdict.FORMERR, -1);
        }
        int position = base + HEADER;
        int afterName = questionName(message, position, end);
        if (afterName == BAD || afterName + 4 > end) {
            return new Screened(Verdict.FORMERR, -1);
        }
        int questionEnd = afterName + 4;
        int records = message.getUnsignedShort(base + 6) + message.getUnsignedShort(base + 8)
                + message.getUnsignedShort(base + 10);
        int additionalFrom = message.getUnsignedShort(base + 6) + message.getUnsignedShort(base + 8);
        position = questionEnd;
        int opts = 0;
        for (int i = 0; i < records; i++) {
            position = skipName(message, position, end, base);
            if (position == BAD || position + 10 > end) {
                return new Screened(Verdict.FORMERR, questionEnd - base);
            }
            if (i >= additionalFrom && message.getUnsignedShort(position) == OPT && ++opts > 1) {
                return new Screened(Verdict.FORMERR, questionEnd - base);
            }
            int rdLength = message.getUnsignedShort(position + 8);
            position += 10 + rdLength;
            if (position > end) {
                return new Screened(Verdict.FORMERR, questionEnd - base);
            }
        }
        Verdict verdict = printable(message, base + HEADER) ? Verdict.ACCEPT : Verdict.REFUSED;
        return new Screened(verdict, questionEnd - base);
    }

    private static final int BAD = -1;

    /** The end of the uncompressed question name at {@code position}, or BAD (no pointer may come before it). */
    private static int questionName(ByteBuf message, int position, int end) {
        int length = 0;
        while (position < end) {
            int label = message.getUnsignedByte(position);
            if (label == 0) {
                return length + 1 > 255 ? BAD : position + 1;
            }
            if (label > 63 || position + 1 + label > end) {
                return BAD; // a pointer (nothing before the question to point at), an extended label, past the end
            }
            length += label + 1;
            position += label + 1;
        }
        return BAD;
    }

    /** Each label byte is printable ASCII and not a dot (Netty joins labels with dots). */
    private static boolean printable(ByteBuf message, int position) {
        while (true) {
            int label = message.getUnsignedByte(position);
            if (label == 0) {
                return true;
            }
            for (int i = 1; i <= label; i++) {
                int c = message.getUnsignedByte(position + i);
                if (c < 0x21 || c > 0x7E || c == '.') {
                    return false;
                }
            }
            position += label + 1;
        }
    }

    /** The end of a record owner name; a pointer must point back into the message (before this name). */
    private static int skipName(ByteBuf message, int position, int end, int base) {
        int start = position;
        while (position < end) {
            int label = message.getUnsignedByte(position);
            if ((label & 0xC0) == 0xC0) {
                if (position + 2 > end) {
                    return BAD;
                }
                int target = base + (((label & 0x3F) << 8) | message.getUnsignedByte(position + 1));
                return target >= base + HEADER && target < start ? position + 2 : BAD;
            }
            if (label > 63) {
                return BAD;
            }
            if (label == 0) {
                return position + 1 - start > 255 ? BAD : position + 1;
            }
            position += label + 1;
        }
        return BAD;
    }

    /**
     * A reply built from the query's own bytes: its id, opcode and RD, QR=1, RA=1, {@code tc}, {@code code}, and the
     * question echoed when {@code questionEnd > 0}; no records.
     */
    static ByteBuf reply(ByteBufAllocator allocator, ByteBuf query, int questionEnd, ReplyCode code, boolean tc) {
        int base = query.readerIndex();
        int flags = query.getUnsignedShort(base + 2);
        int replyFlags = 0x8000 | (flags & 0x7800) | (flags & 0x0100) | 0x0080 | (tc ? 0x0200 : 0) | code.code;
        boolean echo = questionEnd > HEADER;
        ByteBuf out = allocator.buffer(echo ? questionEnd : HEADER);
        out.writeShort(query.getUnsignedShort(base));
        out.writeShort(replyFlags);
        out.writeShort(echo ? 1 : 0);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(0);
        if (echo) {
            out.writeBytes(query, base + HEADER, questionEnd - HEADER);
        }
        return out;
    }
}
