package org.securemail.ingest.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.securemail.ingest.smtp.command.BodyReader;

/**
 * The bytes a session received and has not processed yet: whatever the client pipelined past the current command.
 * It frames command lines ({@link #nextLine}) and hands message data to a {@link BodyReader} ({@link #feed}).
 */
final class InputBuffer {

    /** What {@link #nextLine} found. */
    enum Framed { INCOMPLETE, LINE, TOO_LONG, BARE_NEWLINE, NUL }

    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes = EMPTY;
    private int pos;
    private int len;
    /** The rest of an overlong line is being dropped up to its end. */
    private boolean discarding;
    private String line;

    /**
     * Frames the next command line: {@code LINE} (its text is then {@link #line()}), {@code INCOMPLETE} until its LF
     * arrived, or what is wrong with it. An overlong line is never buffered: it is dropped up to its end, which then
     * gives {@code TOO_LONG}. A NUL would reach headers and envelopes (issue 18).
     */
    Framed nextLine(int maxLine) {
        int lf = lineFeed();
        if (lf < 0) {
            if (discarding || remaining() > maxLine) {
                discarding = true;
                skipAll();
            }
            return Framed.INCOMPLETE;
        }
        byte[] raw = take(lf + 1);
        if (discarding || raw.length > maxLine) {
            discarding = false;
            return Framed.TOO_LONG;
        }
        line = crlfLine(raw);
        if (line == null) {
            return Framed.BARE_NEWLINE;
        }
        return line.indexOf('\0') >= 0 ? Framed.NUL : Framed.LINE;
    }

    /** The text of the line {@link #nextLine} framed last, without its CRLF. */
    String line() {
        return line;
    }

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
