package org.securemail.common.mail;

import java.time.Instant;
import java.util.List;

/**
 * The SMTP envelope of one accepted message. Travels as JSON in the {@link MailHeaders#ENVELOPE} Kafka
 * header of {@code mail.accepted} / {@code mail.ready}; the record value is the raw message.
 *
 * @param queueId      the id given in {@code 250 2.0.0 Ok: queued as <id>}; also the Kafka key
 * @param sender       reverse path, empty string for the null sender {@code <>}
 * @param recipients   forward paths, in RCPT order
 * @param clientIp     address of the SMTP client
 * @param helo         the EHLO/HELO argument
 * @param tlsProtocol  e.g. {@code TLSv1.3}, or null for a plain session
 * @param authIdentity the SASL identity on submission, or null
 * @param tenantId     the tenant owning the domain (inbound) or the user (outbound), or null
 * @param direction    inbound relay or outbound submission
 * @param receivedAt   when the 250 was decided
 * @param size         message size in bytes (after dot-unstuffing, including the Received header)
 */
public record MailEnvelope(
        String queueId,
        String sender,
        List<String> recipients,
        String clientIp,
        String helo,
        String tlsProtocol,
        String authIdentity,
        String tenantId,
        Direction direction,
        Instant receivedAt,
        long size) {

    public MailEnvelope {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    public boolean nullSender() {
        return sender == null || sender.isEmpty();
    }
}
