package org.securemail.ingest.stage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.securemail.ingest.inspect.dkim.DkimSignatureResult;
import org.securemail.ingest.inspect.spf.SpfIdentity;

/**
 * Writes the one {@code Authentication-Results} header field (RFC 8601) the stage prepends: the server's authserv-id,
 * then one resinfo per method that was run ({@code spf}, {@code dkim} per signature, {@code dmarc}, {@code iprev}),
 * each on its own folded line. No method run: {@code none} (§2.2).
 *
 * <p>Every value that came from the message or the client (domains, selectors, the HELO name) is written as a token
 * when it is one and as a quoted string otherwise, with control characters and non-ASCII removed: nothing a sender
 * writes can end the field or add one.
 */
final class AuthenticationResults {

    static final String FIELD = "Authentication-Results";
    /** Longest value written for a property (a domain name is at most 253). */
    private static final int MAX_VALUE = 255;
    /** A value that can stand as itself: a token, or an address of token-like parts (RFC 8601 §2.2 pvalue). */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._+\\-]+(@[A-Za-z0-9._\\-]+)?");

    private AuthenticationResults() {
    }

    /** The message with our one field on top and forged ones (our authserv-id) removed: what the stage writes. */
    static byte[] stamp(String authservId, byte[] raw, InspectionReport report) {
        byte[] field = field(authservId, report).getBytes(StandardCharsets.US_ASCII);
        byte[] body = ForgedResults.strip(raw, authservId);
        byte[] out = new byte[field.length + body.length];
        System.arraycopy(field, 0, out, 0, field.length);
        System.arraycopy(body, 0, out, field.length, body.length);
        return out;
    }

    /** The whole field, name and CRLF included. */
    static String field(String authservId, InspectionReport report) {
        List<String> results = new ArrayList<>();
        if (report.spf() != null) {
            String identity = report.spf().identity() == SpfIdentity.HELO ? "smtp.helo" : "smtp.mailfrom";
            String value = identity.equals("smtp.helo") ? report.spf().domain() : mailFromValue(report.spf().sender());
            results.add("spf=" + report.spf().result().rfcName() + " " + identity + "=" + value(value));
        }
        for (DkimSignatureResult d : report.dkim()) {
            StringBuilder r = new StringBuilder("dkim=").append(d.result().token());
            if (!d.reason().isEmpty() && !d.result().token().equals("pass")) {
                r.append(" reason=").append(quoted(d.reason()));
            }
            r.append(" header.d=").append(value(d.domain())).append(" header.s=").append(value(d.selector()));
            if (!d.headerB().isEmpty()) {
                r.append(" header.b=").append(value(d.headerB()));
            }
            results.add(r.toString());
        }
        if (report.dmarc() != null) {
            String from = report.dmarc().authorDomain();
            results.add("dmarc=" + report.dmarc().result().rfcName()
                    + (from == null ? "" : " header.from=" + value(from)));
        }
        if (report.iprev() != null) {
            results.add("iprev=" + report.iprev().result().iprevName() + " policy.iprev="
                    + value(report.iprev().client()));
        }
        StringBuilder field = new StringBuilder(FIELD).append(": ").append(plainOrQuoted(authservId));
        if (results.isEmpty()) {
            field.append("; none");
        }
        for (String result : results) {
            field.append(";\r\n\t").append(result);
        }
        return field.append("\r\n").toString();
    }

    /** {@code smtp.mailfrom} is the address, or its domain when the local part cannot stand as a token. */
    private static String mailFromValue(String sender) {
        if (sender == null) {
            return "";
        }
        if (PLAIN.matcher(sender).matches()) {
            return sender;
        }
        int at = sender.lastIndexOf('@');
        return at < 0 ? sender : sender.substring(at + 1);
    }

    private static String value(String text) {
        return plainOrQuoted(text == null ? "" : text);
    }

    private static String plainOrQuoted(String text) {
        return !text.isEmpty() && text.length() <= MAX_VALUE && PLAIN.matcher(text).matches() ? text : quoted(text);
    }

    /** A quoted-string of the printable ASCII of {@code text}, at most {@link #MAX_VALUE} characters. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        int written = 0;
        for (int i = 0; i < text.length() && written < MAX_VALUE; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                continue;
            }
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
            written++;
        }
        return out.append('"').toString();
    }
}
