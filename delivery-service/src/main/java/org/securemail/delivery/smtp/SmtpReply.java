package org.securemail.delivery.smtp;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One (possibly multi-line) SMTP reply. */
public record SmtpReply(int code, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    public static SmtpReply of(int code, String text) {
        return new SmtpReply(code, List.of(text));
    }

    public boolean positive() {
        return code >= 200 && code < 300;
    }

    public boolean intermediate() {
        return code >= 300 && code < 400;
    }

    public boolean transientNegative() {
        return code >= 400 && code < 500;
    }

    /** The result this reply means for the recipients it applies to. */
    public AttemptResult.Kind kind() {
        if (positive()) {
            return AttemptResult.Kind.SUCCESS;
        }
        return code >= 500 ? AttemptResult.Kind.PERMANENT_FAILURE : AttemptResult.Kind.TEMPORARY_FAILURE;
    }

    /** The RFC 3463 enhanced status code of the first line, or null when the server gave none. */
    public String enhancedStatus() {
        if (lines.isEmpty()) {
            return null;
        }
        Matcher m = ENHANCED.matcher(lines.get(0));
        return m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
    }

    /** Single-line form for logs, events and DSNs: {@code 550 5.1.1 no such user}. */
    public String text() {
        return code + " " + String.join(" ", lines).trim();
    }

    @Override
    public String toString() {
        return text();
    }
}
