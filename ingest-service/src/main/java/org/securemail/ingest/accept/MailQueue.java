package org.securemail.ingest.accept;

import java.util.concurrent.CompletionStage;

import org.securemail.common.mail.MailEnvelope;

/**
 * The durable queue behind the 250 reply (port). Completes normally only once the message is durably stored
 * (for Kafka: acknowledged with {@code acks=all}); completes exceptionally when it could not be stored.
 * Must never block the calling thread. A caller that gave up (deadline) cancels the returned future; an
 * implementation must then not start storing the message if it has not started yet.
 */
public interface MailQueue {

    CompletionStage<Void> enqueue(MailEnvelope envelope, byte[] message);
}
