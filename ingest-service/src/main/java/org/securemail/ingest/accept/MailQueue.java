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

    /** A message for the inspection stage (or, where there is none, for delivery): {@code mail.accepted}. */
    default CompletionStage<Void> enqueue(MailEnvelope envelope, byte[] message) {
        return enqueue(envelope, message, null);
    }

    /**
     * @param inspection null for a message the stage still has to inspect; else the JSON
     *                   {@link org.securemail.common.mail.InspectionSummary} of the verdict the session reached on
     *                   cached answers (ADR 0077): the message, already stamped, is stored where the stage would
     *                   have put it ({@code mail.ready}) with that summary, and skips the stage
     */
    CompletionStage<Void> enqueue(MailEnvelope envelope, byte[] message, byte[] inspection);

    /**
     * As {@link #enqueue(MailEnvelope, byte[], byte[])}, under the trace context of the SMTP transaction (null when
     * traces are off): an implementation that writes records carries it in their headers. The default ignores it.
     */
    default CompletionStage<Void> enqueue(MailEnvelope envelope, byte[] message, byte[] inspection,
            io.opentelemetry.context.Context trace) {
        return enqueue(envelope, message, inspection);
    }
}
