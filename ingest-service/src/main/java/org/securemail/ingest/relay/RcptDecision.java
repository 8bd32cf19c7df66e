package org.securemail.ingest.relay;

import org.securemail.ingest.reply.Reply;

/**
 * The relay decision for one RCPT TO.
 *
 * @param accepted true: add the recipient
 * @param tenantId the tenant the recipient belongs to (inbound), or null
 * @param reply    the reply to send when refused
 * @param reason   short metric/log tag when refused
 */
public record RcptDecision(boolean accepted, String tenantId, Reply reply, String reason) {

    public static RcptDecision accept(String tenantId) {
        return new RcptDecision(true, tenantId, null, null);
    }

    public static RcptDecision refuse(Reply reply, String reason) {
        return new RcptDecision(false, null, reply, reason);
    }
}
