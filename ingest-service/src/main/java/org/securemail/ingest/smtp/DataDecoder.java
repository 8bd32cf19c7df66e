package org.securemail.ingest.smtp;

/**
 * Streaming decoder of the DATA phase (RFC 5321 §4.1.4, §4.5.2) with Postfix
 * {@code smtpd_forbid_bare_newline=reject} semantics.
 *
 * <ul>
 *   <li>Only {@code <CR><LF>.<CR><LF>} ends the message. {@code <LF>.<LF>}, {@code <LF>.<CR><LF>} and
 *       {@code <CR><LF>.<LF>} do not (a bare LF never starts a new line).</li>
 *   <li>A bare CR or bare LF anywhere taints the message: it is read to its real end and then rejected.</li>
 *   <li>So does a NUL byte anywhere, before or after the dot of a would-be end too: only {@code BINARYMIME}
 *       (RFC 3030), which is not offered, allows it, and a next hop that drops NUL bytes would otherwise see
 *       {@code <CR><LF>.<CR><LF>} where we saw message text (issue 18).</li>
 *   <li>A leading dot is removed (dot-unstuffing).</li>
 *   <li>Lines longer than the text line limit taint the message.</li>
 *   <li>Bytes past the size limit are counted, not stored ({@link MessageBuffer}).</li>
 * </ul>
 */
public final class DataDecoder {

    /** Why a completed message must be refused, or {@code NONE}. */
    public enum Defect { NONE, BARE_NEWLINE, NUL, LINE_TOO_LONG, TOO_BIG, NO_STORAGE }

    private enum State { TEXT, CR, DOT, DOT_CR }

    private final MessageBuffer out;
    private final int maxLine;
    private State state = State.TEXT;
    private boolean lineStart = true;
    private int lineLength;
    private boolean bareNewline;
    private boolean nul;
    private boolean lineTooLong;
    private boolean done;

    public DataDecoder(MessageBuffer out, int maxLine) {
        this.out = out;
        this.maxLine = maxLine;
    }

    /**
     * Consumes bytes from {@code data[from..to)} and returns the index just past the terminating
     * {@code <CR><LF>.<CR><LF>}, or {@code -1} when more input is needed (all bytes consumed).
     */
    public int feed(byte[] data, int from, int to) {
        int i = from;
        int runStart = -1; // start of a run of plain text bytes appended in bulk
        while (i < to) {
            byte b = data[i];
            switch (state) {
                case TEXT -> {
                    if (lineStart && b == '.') {
                        runStart = flush(data, runStart, i);
                        state = State.DOT;
                        i++;
                    } else if (b == '\r') {
                        runStart = flush(data, runStart, i);
                        state = State.CR;
                        i++;
                    } else if (b == '\n') {
                        runStart = flush(data, runStart, i);
                        bareNewline = true;
                        out.append(b);
                        lineStart = false;
                        i++;
                    } else {
                        if (runStart < 0) {
                            runStart = i;
                        }
                        lineStart = false;
                        if (b == 0) {
                            nul = true;
                        }
                        if (++lineLength > maxLine) {
                            lineTooLong = true;
                        }
                        i++;
                    }
                }
                case CR -> {
                    if (b == '\n') {
                        out.append((byte) '\r');
                        out.append((byte) '\n');
                        lineStart = true;
                        lineLength = 0;
                        state = State.TEXT;
                        i++;
                    } else {
                        bareNewline = true; // bare CR: keep it, reprocess b as text
                        out.append((byte) '\r');
                        lineStart = false;
                        state = State.TEXT;
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                        i++;
                    } else {
                        // dot-stuffed line: drop the leading dot, reprocess b not at line start
                        lineStart = false;
                        state = State.TEXT;
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        done = true;
                        state = State.TEXT;
                        return i + 1;
                    }
                    // ".<CR>x": the dot was a stuffing dot, the CR is bare
                    bareNewline = true;
                    out.append((byte) '\r');
                    lineStart = false;
                    state = State.TEXT;
                }
            }
        }
        flush(data, runStart, to);
        return -1;
    }

    private int flush(byte[] data, int runStart, int end) {
        if (runStart >= 0 && end > runStart) {
            out.append(data, runStart, end - runStart);
        }
        return -1;
    }

    public boolean done() {
        return done;
    }

    public Defect defect() {
        if (out.overflowed()) {
            return Defect.TOO_BIG;
        }
        if (out.starved()) {
            return Defect.NO_STORAGE;
        }
        if (bareNewline) {
            return Defect.BARE_NEWLINE;
        }
        if (nul) {
            return Defect.NUL;
        }
        if (lineTooLong) {
            return Defect.LINE_TOO_LONG;
        }
        return Defect.NONE;
    }
}
