package org.securemail.ingest.inspect.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A message split into its header fields and the offset of its body (RFC 5322 §2.1), within {@link DkimLimits}.
 * Lines end with CRLF; a bare LF is accepted as a line end too. A line that is neither a field nor a continuation
 * (no colon, or whitespace before any field) is skipped: no signature can cover it by name.
 *
 * @param headers   the fields, top to bottom
 * @param raw       the whole message
 * @param bodyStart offset of the first body octet ({@code raw.length} when there is no body)
 * @param overLimit why the header section was not read to its end, if it was not
 */
record ParsedMessage(List<HeaderField> headers, byte[] raw, int bodyStart, Optional<String> overLimit) {

    static ParsedMessage parse(byte[] raw, DkimLimits limits) {
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        int pos = 0;
        while (pos < raw.length) {
            int lf = indexOf(raw, (byte) '\n', pos);
            int next = lf < 0 ? raw.length : lf + 1;
            int contentEnd = lf < 0 ? raw.length : lf;
            if (contentEnd > pos && raw[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            if (contentEnd == pos) {
                Optional<String> over = add(fields, current, limits);
                return new ParsedMessage(fields, raw, over.isPresent() ? raw.length : next, over);
            }
            if (next > limits.maxHeaderSectionBytes()) {
                return new ParsedMessage(fields, raw, raw.length,
                        Optional.of("header section longer than " + limits.maxHeaderSectionBytes() + " bytes"));
            }
            String line = new String(raw, pos, contentEnd - pos, StandardCharsets.ISO_8859_1);
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                if (current != null) {
                    current.append("\r\n").append(line);
                }
            } else {
                Optional<String> over = add(fields, current, limits);
                if (over.isPresent()) {
                    return new ParsedMessage(fields, raw, raw.length, over);
                }
                current = new StringBuilder(line);
            }
            pos = next;
        }
        Optional<String> over = add(fields, current, limits);
        return new ParsedMessage(fields, raw, raw.length, over);
    }

    int bodyLength() {
        return raw.length - bodyStart;
    }

    private static Optional<String> add(List<HeaderField> fields, StringBuilder field, DkimLimits limits) {
        if (field == null) {
            return Optional.empty();
        }
        String text = field.toString();
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String name = text.substring(0, colon).stripTrailing();
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 0x7F)) {
            return Optional.empty();
        }
        if (fields.size() >= limits.maxHeaderFields()) {
            return Optional.of("more than " + limits.maxHeaderFields() + " header fields");
        }
        fields.add(new HeaderField(name, text));
        return Optional.empty();
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
