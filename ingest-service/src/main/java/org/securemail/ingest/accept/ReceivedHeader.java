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

    /**
     * The {@code Received} headers in the header section of {@code message} (up to the first empty line; folded
     * continuation lines are not counted again), as Postfix counts hops. Reads no further than the headers.
     */
    public static int count(byte[] message) {
        int count = 0;
        int line = 0;
        while (line < message.length) {
            int end = lineEnd(message, line);
            if (end == line) {
                return count; // the empty line that ends the header section
            }
            if (isReceived(message, line, end)) {
                count++;
            }
            line = Math.min(message.length, end + 2);
        }
        return count;
    }

    /** Index of the CR of the CRLF that ends the line starting at {@code from}, or the message length. */
    private static int lineEnd(byte[] message, int from) {
        for (int i = from; i + 1 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n') {
                return i;
            }
        }
        return message.length;
    }

    /** {@code Received} then optional white space (RFC 5322 §4.5.3 obsolete syntax) and a colon. */
    private static boolean isReceived(byte[] message, int from, int end) {
        String name = "received";
        if (end - from < name.length() + 1) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.toLowerCase((char) message[from + i]) != name.charAt(i)) {
                return false;
            }
        }
        int i = from + name.length();
        while (i < end && (message[i] == ' ' || message[i] == '\t')) {
            i++;
        }
        return i < end && message[i] == ':';
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
