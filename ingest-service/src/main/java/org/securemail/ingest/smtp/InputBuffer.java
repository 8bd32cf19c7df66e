package org.securemail.ingest.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.securemail.ingest.smtp.command.BodyReader;

/** The bytes a session received and has not processed yet: whatever the client pipelined past the current command. */
final class InputBuffer {

    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes = EMPTY;
    private int pos;
    private int len;

    void append(byte[] chunk) {
        if (pos >= len) {
            bytes = chunk;
            pos = 0;
            len = chunk.length;
        } else {
            byte[] joined = new byte[len - pos + chunk.length];
            System.arraycopy(bytes, pos, joined, 0, len - pos);
            System.arraycopy(chunk, 0, joined, len - pos, chunk.length);
            bytes = joined;
            pos = 0;
            len = joined.length;
        }
    }

    boolean isEmpty() {
        return pos >= len;
    }

    int remaining() {
        return len - pos;
    }

    /** The index (relative to the next unread byte) of the next LF, or -1. */
    int lineFeed() {
        for (int i = pos; i < len; i++) {
            if (bytes[i] == '\n') {
                return i - pos;
            }
        }
        return -1;
    }

    /** Takes the next {@code count} bytes. */
    byte[] take(int count) {
        byte[] taken = Arrays.copyOfRange(bytes, pos, pos + count);
        pos += count;
        return taken;
    }

    /** Gives the unread bytes to {@code body}; true when its end was among them (the rest stays unread). */
    boolean feed(BodyReader body) {
        int end = body.read(bytes, pos, len);
        pos = end < 0 ? len : end;
        return end >= 0;
    }

    /** The text of a line taken up to its LF, or null unless it ends in CRLF and has no other CR (bare CR/LF). */
    static String crlfLine(byte[] raw) {
        int lf = raw.length - 1;
        boolean crlf = lf > 0 && raw[lf - 1] == '\r';
        int end = crlf ? lf - 1 : lf;
        for (int i = 0; i < end; i++) {
            if (raw[i] == '\r') {
                crlf = false;
                break;
            }
        }
        return crlf ? new String(raw, 0, end, StandardCharsets.UTF_8) : null;
    }

    /** Drops everything unread. */
    void skipAll() {
        pos = len;
    }

    /** Lets go of the array once everything in it was read. */
    void compact() {
        if (pos >= len) {
            bytes = EMPTY;
            pos = 0;
            len = 0;
        }
    }
}
