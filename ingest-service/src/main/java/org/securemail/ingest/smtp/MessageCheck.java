package org.securemail.ingest.smtp;

import io.vertx.core.Future;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.reply.Reply;

/**
 * A check of an inbound message at the end of DATA, before it is queued: a refusal here needs no bounce. It must
 * answer within a short bound and never wait for DNS (the inspection stage decides everything it cannot).
 */
public interface MessageCheck {

    /**
     * The refusal to send instead of queueing, or null to queue the message. The future completes on the caller's
     * Vert.x context and never fails.
     */
    Future<Reply> check(MailEnvelope envelope, byte[] message);
}
