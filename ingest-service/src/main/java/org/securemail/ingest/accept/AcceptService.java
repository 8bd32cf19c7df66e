package org.securemail.ingest.accept;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.observe.MessageLog;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.metrics.IngestMetrics;
import org.securemail.ingest.reply.Reply;

/**
 * The durable accept: hands the message to the {@link MailQueue} and turns its outcome into the final reply of the
 * transaction, {@code 250 2.0.0 Ok: queued as <id>} after the acknowledgement, or {@code 451 4.3.0} when the queue
 * failed or did not acknowledge within the deadline. The reply future completes on the caller's Vert.x context.
 */
@Startup
@ApplicationScoped
public class AcceptService {

    private static final MessageLog LOG = MessageLog.of("org.securemail.ingest.accept");

    private final MailQueue queue;
    private final Vertx vertx;
    private final IngestMetrics metrics;
    private final Duration deadline;
    private final QueueWrites writes = new QueueWrites();

    @Inject
    public AcceptService(MailQueue queue, Vertx vertx, IngestMetrics metrics, IngestConfig config) {
        this(queue, vertx, metrics, config.accept().deadline());
    }

    public AcceptService(MailQueue queue, Vertx vertx, IngestMetrics metrics, Duration deadline) {
        this.queue = queue;
        this.vertx = vertx;
        this.metrics = metrics;
        this.deadline = deadline;
    }

    /** The outcome of the latest writes, for the operator's view. */
    public QueueWrites.Status writes() {
        return writes.status();
    }

    /** Must be called on a Vert.x context (the session's event loop). */
    public Future<Reply> accept(MailEnvelope envelope, byte[] message, String listener) {
        return accept(envelope, message, null, listener);
    }

    /**
     * As {@link #accept(MailEnvelope, byte[], String)}; {@code inspection} not null: the session's verdict, the
     * message skips the inspection stage ({@link MailQueue#enqueue(MailEnvelope, byte[], byte[])}).
     */
    public Future<Reply> accept(MailEnvelope envelope, byte[] message, byte[] inspection, String listener) {
        return accept(envelope, message, inspection, listener, null);
    }

    /**
     * As {@link #accept(MailEnvelope, byte[], byte[], String)}; {@code trace}, when not null, is the transaction's
     * trace context, which the record carries in its headers (MailQueue).
     */
    public Future<Reply> accept(MailEnvelope envelope, byte[] message, byte[] inspection, String listener,
            io.opentelemetry.context.Context trace) {
        Context context = vertx.getOrCreateContext();
        Promise<Reply> reply = Promise.promise();
        AtomicBoolean decided = new AtomicBoolean();
        long started = System.nanoTime();
        CompletableFuture<Void> stored = queue.enqueue(envelope, message, inspection, trace).toCompletableFuture();
        long timer = vertx.setTimer(deadline.toMillis(), id -> {
            if (decided.compareAndSet(false, true)) {
                stored.cancel(false); // a send still waiting in the queue must not happen after this 451
                metrics.rejected(listener, "queue_timeout");
                writes.failed("no acknowledgement within " + deadline.toMillis() + " ms");
                LOG.warn(envelope.queueId(), "%s: reject: queue did not acknowledge within %d ms; from=<%s> nrcpt=%d"
                        + " size=%d: %s", envelope.queueId(), deadline.toMillis(), envelope.sender(), envelope.recipients().size(),
                        envelope.size(), Reply.QUEUE_TEMPFAIL);
                reply.complete(Reply.QUEUE_TEMPFAIL);
            }
        });
        stored.whenComplete((ok, error) -> context.runOnContext(v -> {
            if (!decided.compareAndSet(false, true)) {
                return; // the deadline answered 451 first (a late broker ack is logged by the queue)
            }
            vertx.cancelTimer(timer);
            if (error == null) {
                metrics.accepted(listener, envelope.size(), System.nanoTime() - started);
                writes.stored();
                LOG.info(envelope.queueId(), "%s: queued: from=<%s> nrcpt=%d size=%d client=[%s] listener=%s tls=%s"
                        + " auth=%s%s", envelope.queueId(), envelope.sender(), envelope.recipients().size(), envelope.size(),
                        envelope.clientIp(), listener, envelope.tlsProtocol(), envelope.authIdentity(),
                        inspection == null ? "" : " inspected=session");
                reply.complete(Reply.of(250, "2.0.0", "Ok: queued as " + envelope.queueId()));
            } else {
                metrics.rejected(listener, "queue_error");
                writes.failed(error.getClass().getSimpleName());
                LOG.warn(envelope.queueId(), "%s: reject: queue write failed: %s; from=<%s> nrcpt=%d: %s",
                        envelope.queueId(),
                        error.toString(), envelope.sender(), envelope.recipients().size(), Reply.QUEUE_TEMPFAIL);
                reply.complete(Reply.QUEUE_TEMPFAIL);
            }
        }));
        return reply.future();
    }
}
