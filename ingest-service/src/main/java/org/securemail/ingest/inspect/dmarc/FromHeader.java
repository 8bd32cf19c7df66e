package org.securemail.ingest.inspect.dmarc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the RFC5322.From author domains in a message's raw header section (RFC 7489 §6.6.1).
 *
 * <p>The choice, documented in {@code docs/inspection-dmarc.md}:
 * <ul>
 * <li>One From field with one address: its domain.</li>
 * <li>Several addresses in one field, or several From fields (both forbidden by RFC 5322 §3.6 for a single author,
 * and several fields are a known way to show one author and get another checked): every distinct domain is
 * evaluated and the strictest failing result applies, as §6.6.1 says for a multi-valued From. If they all share
 * one domain, that is evaluated once.</li>
 * <li>No From field, or no address with a domain that is a domain name (a group with no members, a domain literal,
 * garbage): no author domain, which {@link DmarcEvaluator#evaluate(AuthorDomains, DmarcInput)} reports as
 * permerror (§5 puts such messages outside DMARC; permerror lets the stage tag them without a reject).</li>
 * </ul>
 * The input is the header section, or the whole message (reading stops at the first empty line). Bounds: the first
 * {@value #MAX_HEADER_BYTES} bytes, {@value #MAX_FIELDS} From fields, {@value #MAX_DOMAINS} domains and a comment
 * nesting depth of {@value #MAX_COMMENT_DEPTH}. Never throws.
 */
public final class FromHeader {

    public static final int MAX_HEADER_BYTES = 1 << 20;
    public static final int MAX_FIELDS = 10;
    public static final int MAX_DOMAINS = 10;
    static final int MAX_COMMENT_DEPTH = 32;

    private FromHeader() {
    }

    public static AuthorDomains authorDomains(byte[] rawHeaders) {
        List<String> notes = new ArrayList<>();
        if (rawHeaders == null) {
            notes.add("no header section");
            return new AuthorDomains(List.of(), 0, notes);
        }
        List<String> values = fromFieldValues(decode(rawHeaders));
        Set<String> domains = new LinkedHashSet<>();
        int addresses = 0;
        for (int i = 0; i < values.size() && i < MAX_FIELDS; i++) {
            for (String address : addresses(values.get(i))) {
                addresses++;
                String domain = domainOf(address);
                var normalised = OrganizationalDomain.normalise(domain);
                if (normalised.isEmpty()) {
                    notes.add("From address without a usable domain: " + DmarcRecordParser.excerpt(address));
                } else if (domains.size() < MAX_DOMAINS) {
                    domains.add(normalised.get());
                }
            }
        }
        if (values.isEmpty()) {
            notes.add("no From field");
        } else if (values.size() > 1) {
            notes.add(values.size() + " From fields (RFC 5322 allows one): every author domain is evaluated");
        }
        if (addresses > 1 && values.size() == 1) {
            notes.add(addresses + " addresses in the From field: every author domain is evaluated");
        }
        return new AuthorDomains(List.copyOf(domains), values.size(), notes);
    }

    /**
     * The header section (up to its empty line, or the first {@value #MAX_HEADER_BYTES} bytes) in UTF-8 (RFC 6532), or
     * Latin-1 byte for byte when it is not valid UTF-8. The body is never decoded.
     */
    private static String decode(byte[] raw) {
        int length = headerSectionLength(raw, Math.min(raw.length, MAX_HEADER_BYTES));
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return new String(raw, 0, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** The bytes up to and including the line break before the first empty line (LF or CRLF), else {@code limit}. */
    static int headerSectionLength(byte[] raw, int limit) {
        for (int i = 0; i < limit; i++) {
            if (raw[i] != '\n') {
                continue;
            }
            if (i + 1 < limit && raw[i + 1] == '\n'
                    || i + 2 < limit && raw[i + 1] == '\r' && raw[i + 2] == '\n') {
                return i + 1;
            }
        }
        return limit;
    }

    /** The unfolded values of every From field, up to the first empty line. */
    static List<String> fromFieldValues(String headers) {
        List<String> values = new ArrayList<>();
        StringBuilder current = null;
        for (String line : headers.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation) {
                if (current != null) {
                    current.append(line);
                }
                continue;
            }
            if (current != null) {
                values.add(current.toString());
                current = null;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("from")) {
                if (values.size() > MAX_FIELDS) {
                    continue;
                }
                current = new StringBuilder(line.substring(colon + 1));
            }
        }
        if (current != null) {
            values.add(current.toString());
        }
        return values;
    }

    /**
     * The addresses of a mailbox-list or address-list (RFC 5322 §3.4, groups per RFC 6854): split on top-level
     * commas, comments removed, quoted strings kept whole; an element's address is the content of its angle brackets
     * when it has them, else the element without a group name.
     */
    static List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder element = new StringBuilder();
        StringBuilder angle = null;
        String lastAngle = null;
        boolean quoted = false;
        int comment = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                if (angle != null) {
                    angle.append(c);
                }
                continue;
            }
            if (comment > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    comment = Math.min(comment + 1, MAX_COMMENT_DEPTH);
                } else if (c == ')') {
                    comment--;
                }
                continue;
            }
            switch (c) {
                case '(' -> comment = 1;
                case '"' -> {
                    quoted = true;
                    if (angle != null) {
                        angle.append(c);
                    }
                }
                case '<' -> angle = new StringBuilder();
                case '>' -> {
                    if (angle != null) {
                        lastAngle = angle.toString();
                        angle = null;
                    }
                }
                case ',', ';' -> {
                    if (angle != null) {
                        angle.append(c);
                    } else {
                        addElement(out, element, lastAngle);
                        element.setLength(0);
                        lastAngle = null;
                    }
                }
                case ':' -> {
                    if (angle != null) {
                        angle.append(c);
                    } else {
                        element.setLength(0);
                    }
                }
                default -> {
                    if (angle != null) {
                        angle.append(c);
                    } else {
                        element.append(c);
                    }
                }
            }
            if (out.size() > MAX_DOMAINS * 10) {
                break;
            }
        }
        if (angle != null && lastAngle == null) {
            lastAngle = angle.toString();
        }
        addElement(out, element, lastAngle);
        return out;
    }

    private static void addElement(List<String> out, StringBuilder element, String angle) {
        String address = (angle != null ? angle : element.toString()).trim();
        if (!address.isEmpty()) {
            out.add(address);
        }
    }

    /** The text after the last {@code @}, or empty; the domain part of an addr-spec never contains one. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return "";
        }
        String domain = address.substring(at + 1).trim();
        return domain.startsWith("[") ? "" : domain;
    }
}
