package org.securemail.ingest.smtp.command;

/** Takes the message content of a DATA or a BDAT chunk straight from the session's input. */
public interface BodyReader {

    /**
     * Consumes bytes from {@code in[from..to)}; returns the index just past the end of the body when it ends there,
     * or {@code -1} when all bytes were taken and more are expected.
     */
    int read(byte[] in, int from, int to);

    /** The body has ended; the session is reading commands again. */
    void end();
}
