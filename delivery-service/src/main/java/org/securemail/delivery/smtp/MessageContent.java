package org.securemail.delivery.smtp;

import java.io.ByteArrayOutputStream;

/**
 * A message prepared for the DATA phase: bare LF and bare CR turned into CRLF, NUL bytes dropped, then lines starting
 * with a dot doubled (RFC 5321 §4.5.2), terminated by {@code CRLF.CRLF}. Whatever a record on the input topic holds
 * (one written before ingest refused NUL, or by another producer), the next hop never receives a NUL, a bare CR or a
 * bare LF, so no {@code CRLF.CRLF} that a lax receiver would see can appear before the real end (SMTP smuggling,
 * issue 18). The canonical form is made before the dot-stuffing: {@code LF.LF} becomes {@code CRLF..CRLF}.
 *
 * @param wire      bytes to send after the 354 reply, including the final dot line
 * @param size      the message size as declared with SIZE= (the unstuffed CRLF form, RFC 1870)
 * @param eightBit  true when a byte above 127 appears (BODY=8BITMIME is declared when the server offers it)
 */
public record MessageContent(byte[] wire, long size, boolean eightBit) {

    public static MessageContent of(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + raw.length / 50 + 8);
        long size = 0;
        boolean eightBit = false;
        boolean lineStart = true;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b < 0) {
                eightBit = true;
            }
            if (b == 0) {
                continue; // NUL: only BINARYMIME allows it, and some receivers drop it silently
            }
            if (b == '\r') {
                out.write('\r');
                out.write('\n');
                size += 2;
                if (i + 1 < raw.length && raw[i + 1] == '\n') {
                    i++;
                }
                lineStart = true;
                continue;
            }
            if (b == '\n') {
                out.write('\r');
                out.write('\n');
                size += 2;
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            size++;
            lineStart = false;
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
            size += 2;
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return new MessageContent(out.toByteArray(), size, eightBit);
    }
}
