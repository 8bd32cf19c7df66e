package org.securemail.ingest.accept;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Received:} trace header prepended to every accepted message (RFC 5321 §4.4, RFC 3848 protocol
 * names), folded like Postfix's.
 */
public final class ReceivedHeader {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (z)", Locale.ROOT);

    private ReceivedHeader() {
    }

    /** {@code SMTP}, {@code ESMTP}, {@code ESMTPS}, {@code ESMTPA} or {@code ESMTPSA} (RFC 3848). */
    public static String protocol(boolean esmtp, boolean tls, boolean authenticated) {
        if (!esmtp) {
            return "SMTP";
        }
        return "ESMTP" + (tls ? "S" : "") + (authenticated ? "A" : "");
    }

    public static String build(String helo, String clientIp, String hostname, String protocol, String queueId,
            String tlsProtocol, String tlsCipher, List<String> recipients, ZonedDateTime when) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("Received: from ").append(sanitize(helo)).append(" ([").append(clientIp).append("])\r\n");
        if (tlsProtocol != null) {
            sb.append("\t(using ").append(tlsProtocol);
            if (tlsCipher != null) {
                sb.append(" with cipher ").append(tlsCipher);
            }
            sb.append(")\r\n");
        }
        sb.append("\tby ").append(hostname).append(" (Securemail) with ").append(protocol)
                .append(" id ").append(queueId);
        if (recipients.size() == 1) {
            sb.append("\r\n\tfor <").append(sanitize(recipients.get(0))).append(">");
        }
        sb.append("; ").append(DATE.format(when.withZoneSameInstant(ZoneOffset.UTC))).append("\r\n");
        return sb.toString();
    }

    /** Keeps a client-supplied token from breaking the header: printable ASCII only, no parentheses. */
    static String sanitize(String s) {
        if (s == null || s.isEmpty()) {
            return "unknown";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && sb.length() < 255; i++) {
            char c = s.charAt(i);
            sb.append(c > 32 && c < 127 && c != '(' && c != ')' && c != '\\' ? c : '_');
        }
        return sb.toString();
    }
}
