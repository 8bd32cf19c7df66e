package org.securemail.delivery.smtp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result of one delivery attempt for one recipient.
 *
 * @param kind       success, temporary or permanent failure
 * @param reply      the remote reply, or a local reason in SMTP form ({@code 451 4.4.3 ...})
 * @param remoteHost {@code host[ip]:port} of the next hop that answered, or null when no session was made
 */
public record AttemptResult(Kind kind, String reply, String remoteHost) {

    private static final Pattern STATUS = Pattern.compile("\\b([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    public enum Kind {
        SUCCESS,
        TEMPORARY_FAILURE,
        PERMANENT_FAILURE
    }

    public static AttemptResult success(String reply, String remoteHost) {
        return new AttemptResult(Kind.SUCCESS, reply, remoteHost);
    }

    public static AttemptResult temporary(String reply, String remoteHost) {
        return new AttemptResult(Kind.TEMPORARY_FAILURE, reply, remoteHost);
    }

    public static AttemptResult permanent(String reply, String remoteHost) {
        return new AttemptResult(Kind.PERMANENT_FAILURE, reply, remoteHost);
    }

    public static AttemptResult of(SmtpReply reply, String remoteHost) {
        return new AttemptResult(reply.kind(), reply.text(), remoteHost);
    }

    /** The enhanced status code in the reply, or a default for the kind (2.0.0, 4.0.0, 5.0.0). */
    public String status() {
        Matcher m = STATUS.matcher(reply == null ? "" : reply);
        if (m.find()) {
            return m.group(1) + "." + m.group(2) + "." + m.group(3);
        }
        return switch (kind) {
            case SUCCESS -> "2.0.0";
            case TEMPORARY_FAILURE -> "4.0.0";
            case PERMANENT_FAILURE -> "5.0.0";
        };
    }
}
