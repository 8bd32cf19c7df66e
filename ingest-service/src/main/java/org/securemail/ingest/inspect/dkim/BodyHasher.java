package org.securemail.ingest.inspect.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a canonicalised body (RFC 6376 §3.4.3, §3.4.4, §3.7), computed in one pass without building the
 * canonical body: empty lines are held back until a non-empty line follows, so the trailing ones are dropped.
 */
final class BodyHasher {

    /**
     * @param digest          SHA-256 of the first {@code min(limit, canonicalLength)} canonical octets
     * @param canonicalLength length of the whole canonical body
     */
    record BodyHash(byte[] digest, long canonicalLength) {
    }

    private BodyHasher() {
    }

    /** Hashes {@code raw[start..]} in canonical form, at most {@code limit} octets of it ({@code l=}). */
    static BodyHash hash(byte[] raw, int start, Canonicalization canon, long limit) {
        Sink sink = new Sink(limit);
        long pendingEmpty = 0;
        byte[] line = new byte[256];
        int pos = start;
        while (pos < raw.length) {
            int lf = pos;
            while (lf < raw.length && raw[lf] != '\n') {
                lf++;
            }
            int next = lf < raw.length ? lf + 1 : raw.length;
            int end = lf;
            if (lf < raw.length && end > pos && raw[end - 1] == '\r') {
                end--;
            }
            int length;
            if (canon == Canonicalization.SIMPLE) {
                length = end - pos;
                if (length > 0) {
                    flushEmpty(sink, pendingEmpty);
                    pendingEmpty = 0;
                    sink.write(raw, pos, length);
                    sink.crlf();
                } else {
                    pendingEmpty++;
                }
            } else {
                if (line.length < end - pos) {
                    line = new byte[end - pos];
                }
                length = relaxedLine(raw, pos, end, line);
                if (length > 0) {
                    flushEmpty(sink, pendingEmpty);
                    pendingEmpty = 0;
                    sink.write(line, 0, length);
                    sink.crlf();
                } else {
                    pendingEmpty++;
                }
            }
            pos = next;
        }
        if (canon == Canonicalization.SIMPLE && sink.total == 0) {
            sink.crlf();
        }
        return new BodyHash(sink.digest.digest(), sink.total);
    }

    /** §3.4.4: runs of WSP become one SP, WSP at the end of the line goes. Returns the length written to out. */
    private static int relaxedLine(byte[] raw, int from, int to, byte[] out) {
        int n = 0;
        boolean space = false;
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b == ' ' || b == '\t') {
                space = true;
                continue;
            }
            if (space) {
                out[n++] = ' ';
                space = false;
            }
            out[n++] = b;
        }
        return n;
    }

    private static void flushEmpty(Sink sink, long count) {
        for (long i = 0; i < count; i++) {
            sink.crlf();
        }
    }

    /** Counts every canonical octet and digests those within the limit. */
    private static final class Sink {
        private static final byte[] CRLF = {'\r', '\n'};
        private final MessageDigest digest = sha256();
        private final long limit;
        private long total;

        Sink(long limit) {
            this.limit = limit;
        }

        void crlf() {
            write(CRLF, 0, 2);
        }

        void write(byte[] data, int offset, int length) {
            long room = limit - total;
            if (room > 0) {
                digest.update(data, offset, (int) Math.min(room, length));
            }
            total += length;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
