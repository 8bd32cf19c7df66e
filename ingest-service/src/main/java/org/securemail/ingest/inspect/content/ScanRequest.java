package org.securemail.ingest.inspect.content;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One message to scan with its SMTP envelope.
 *
 * @param message           the message as received in DATA (not copied: callers must not change it while scanning)
 * @param client            the SMTP client's address
 * @param helo              the EHLO/HELO argument, as the client sent it
 * @param mailFrom          the MAIL FROM address without angle brackets; empty for the null reverse path
 * @param rcptTo            the RCPT TO addresses
 * @param authenticatedUser the SMTP AUTH identity, or {@code null} for an unauthenticated session
 * @param queueId           the platform's queue id, for correlating the scanner's log with ours
 */
public record ScanRequest(byte[] message, InetAddress client, String helo, String mailFrom, List<String> rcptTo,
        String authenticatedUser, String queueId) {

    public ScanRequest {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(client, "client");
        helo = helo == null ? "" : helo;
        mailFrom = mailFrom == null ? "" : mailFrom;
        rcptTo = List.copyOf(rcptTo);
        queueId = queueId == null ? "" : queueId;
    }
}
