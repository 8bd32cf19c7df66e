package org.securemail.ingest.inspect.dkim;

/**
 * One header field as received.
 *
 * @param name the field name as written (before the colon, trailing whitespace removed)
 * @param text the whole field, name, colon and value, continuation lines joined with CRLF, without the final CRLF.
 *             Octets are mapped one to one onto chars (ISO-8859-1), so the text gives back the exact bytes.
 */
record HeaderField(String name, String text) {

    /** The value: everything after the first colon. */
    String value() {
        return text.substring(text.indexOf(':') + 1);
    }

    boolean named(String other) {
        return name.equalsIgnoreCase(other);
    }
}
