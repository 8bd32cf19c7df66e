package org.securemail.delivery.bounce;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.securemail.common.mail.MailEnvelope;

/**
 * Builds an RFC 3464 delivery status notification: {@code multipart/report; report-type=delivery-status} with a
 * human-readable part, a {@code message/delivery-status} part (per-message and per-recipient fields) and the
 * original headers as {@code text/rfc822-headers} (RFC 6522).
 */
public final class DsnBuilder {

    private static final DateTimeFormatter RFC5322 = DateTimeFormatter
            .ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String CRLF = "\r\n";

    private final String reportingMta;

    public DsnBuilder(String reportingMta) {
        this.reportingMta = reportingMta;
    }

    /**
     * One failed recipient.
     *
     * @param recipient  the forward path
     * @param status     RFC 3463 status (e.g. {@code 5.1.1}, {@code 4.4.7} for an expired message)
     * @param diagnostic the remote reply or local reason
     * @param remoteHost {@code host[ip]:port}, or null
     */
    public record Failure(String recipient, String status, String diagnostic, String remoteHost) {
    }

    /** What the notification says about the recipients. */
    public enum Kind {
        /** Permanent failure (5xx, no route). */
        FAILED,
        /** Given up at the end of the queue lifetime. */
        EXPIRED,
        /** Not delivered yet, still being retried (the optional delay warning). */
        DELAYED
    }

    public byte[] build(MailEnvelope original, byte[] originalMessage, List<Failure> failures, boolean expired,
            Instant now) {
        return build(original, originalMessage, failures, expired ? Kind.EXPIRED : Kind.FAILED, now, null);
    }

    /**
     * @param willRetryUntil for {@link Kind#DELAYED}: when the queue lifetime ends
     */
    public byte[] build(MailEnvelope original, byte[] originalMessage, List<Failure> failures, Kind kind, Instant now,
            Instant willRetryUntil) {
        boolean expired = kind == Kind.EXPIRED;
        boolean delayed = kind == Kind.DELAYED;
        String boundary = "=_dsn_" + UUID.randomUUID().toString().replace("-", "");
        String messageId = "<" + UUID.randomUUID() + "@" + reportingMta + ">";
        StringBuilder b = new StringBuilder(4096);
        b.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append('>').append(CRLF);
        b.append("To: <").append(original.sender()).append('>').append(CRLF);
        b.append("Subject: ").append(delayed ? "Delayed Mail (still being retried)"
                : "Undelivered Mail Returned to Sender").append(CRLF);
        b.append("Date: ").append(RFC5322.format(now)).append(CRLF);
        b.append("Message-ID: ").append(messageId).append(CRLF);
        b.append("Auto-Submitted: auto-replied").append(CRLF);
        b.append("MIME-Version: 1.0").append(CRLF);
        b.append("Content-Type: multipart/report; report-type=delivery-status;").append(CRLF);
        b.append("\tboundary=\"").append(boundary).append('"').append(CRLF);
        b.append(CRLF);
        b.append("This is a MIME-encapsulated message.").append(CRLF).append(CRLF);

        b.append("--").append(boundary).append(CRLF);
        b.append("Content-Description: Notification").append(CRLF);
        b.append("Content-Type: text/plain; charset=us-ascii").append(CRLF).append(CRLF);
        b.append("This is the mail system at host ").append(reportingMta).append('.').append(CRLF).append(CRLF);
        if (delayed) {
            b.append("Your message could not be delivered yet to one or more recipients. The mail system")
                    .append(CRLF).append("will keep trying");
            if (willRetryUntil != null) {
                b.append(" until ").append(RFC5322.format(willRetryUntil));
            }
            b.append('.').append(CRLF).append("You do not need to resend the message.").append(CRLF);
        } else if (expired) {
            b.append("Your message could not be delivered within the maximum time it may stay queued,")
                    .append(CRLF).append("and the delivery attempts have been given up.").append(CRLF);
        } else {
            b.append("I'm sorry to have to inform you that your message could not").append(CRLF)
                    .append("be delivered to one or more recipients.").append(CRLF);
        }
        b.append(CRLF);
        for (Failure f : failures) {
            b.append('<').append(f.recipient()).append(">: ").append(ascii(f.diagnostic())).append(CRLF);
        }
        b.append(CRLF);

        b.append("--").append(boundary).append(CRLF);
        b.append("Content-Description: Delivery report").append(CRLF);
        b.append("Content-Type: message/delivery-status").append(CRLF).append(CRLF);
        b.append("Reporting-MTA: dns; ").append(reportingMta).append(CRLF);
        b.append("X-Securemail-Queue-ID: ").append(original.queueId()).append(CRLF);
        if (!original.nullSender()) {
            b.append("X-Original-Sender: rfc822; ").append(original.sender()).append(CRLF);
        }
        if (original.receivedAt() != null) {
            b.append("Arrival-Date: ").append(RFC5322.format(original.receivedAt())).append(CRLF);
        }
        for (Failure f : failures) {
            b.append(CRLF);
            b.append("Final-Recipient: rfc822; ").append(f.recipient()).append(CRLF);
            b.append("Original-Recipient: rfc822; ").append(f.recipient()).append(CRLF);
            b.append("Action: ").append(delayed ? "delayed" : "failed").append(CRLF);
            b.append("Status: ").append(f.status()).append(CRLF);
            if (f.remoteHost() != null) {
                String host = f.remoteHost();
                int bracket = host.indexOf('[');
                b.append("Remote-MTA: dns; ").append(bracket > 0 ? host.substring(0, bracket) : host).append(CRLF);
                b.append("Diagnostic-Code: smtp; ").append(ascii(f.diagnostic())).append(CRLF);
            } else {
                b.append("Diagnostic-Code: X-Securemail; ").append(ascii(f.diagnostic())).append(CRLF);
            }
            b.append("Last-Attempt-Date: ").append(RFC5322.format(now)).append(CRLF);
            if (delayed && willRetryUntil != null) {
                b.append("Will-Retry-Until: ").append(RFC5322.format(willRetryUntil)).append(CRLF);
            }
        }
        b.append(CRLF);

        b.append("--").append(boundary).append(CRLF);
        b.append("Content-Description: Undelivered Message Headers").append(CRLF);
        b.append("Content-Type: text/rfc822-headers").append(CRLF).append(CRLF);
        b.append(headersOf(originalMessage));
        b.append(CRLF);
        b.append("--").append(boundary).append("--").append(CRLF);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The header section of a message (up to the first empty line), with CRLF line ends. */
    static String headersOf(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        int lfEnd = text.indexOf("\n\n");
        if (end < 0 || (lfEnd >= 0 && lfEnd < end)) {
            end = lfEnd;
        }
        String headers = end < 0 ? text : text.substring(0, end);
        headers = headers.replace("\r\n", "\n").replace("\n", CRLF);
        return headers.endsWith(CRLF) ? headers : headers + CRLF;
    }

    private static String ascii(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(c >= 32 && c < 127 ? c : ' ');
        }
        return out.toString();
    }
}
