package org.securemail.ingest.smtp;

import io.vertx.core.Future;
import org.securemail.common.mail.MailEnvelope;

/**
 * A check of an inbound message at the end of DATA, before it is queued: a refusal here needs no bounce, and a
 * verdict reached here spares the message the inspection stage. It must answer within a short bound and never wait
 * for DNS (the inspection stage decides everything it cannot).
 */
public interface MessageCheck {

    /**
     * Refuse, queue for the stage, or queue as inspected here. The future completes on the caller's Vert.x context
     * and never fails.
     */
    Future<CheckResult> check(MailEnvelope envelope, byte[] message);
}
