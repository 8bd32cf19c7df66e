package org.securemail.ingest.smtp.command;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.observe.MessageTracing;
import org.securemail.ingest.accept.ReceivedHeader;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.CheckResult;
import org.securemail.ingest.smtp.Listener;
import org.securemail.ingest.smtp.MailTransaction;
import org.securemail.ingest.smtp.MessageBuffer;
import org.securemail.ingest.smtp.SessionState;

/** What DATA and BDAT share: may a message start, its buffer with the Received header, and its end. */
final class MessageIntake {

    private MessageIntake() {
    }

    /** Null when the message may start, else the {@code 503}/{@code 554} reply. */
    static Reply precondition(CommandContext session) {
        if (session.state().helo() == null) {
            return Reply.NEED_HELO;
        }
        if (session.transaction().sender() == null) {
            return Reply.NEED_MAIL;
        }
        if (session.transaction().recipients().isEmpty()) {
            return Reply.NO_VALID_RECIPIENTS;
        }
        return null;
    }

    /** Starts the message buffer with the Received header; false when the memory budget cannot hold it. */
    static boolean start(CommandContext session) {
        SessionState state = session.state();
        MailTransaction transaction = session.transaction();
        String header = ReceivedHeader.build(state.helo(), state.clientIp(), session.deps().config().hostname(),
                ReceivedHeader.protocol(state.esmtp(), state.tls(), state.user() != null), transaction.queueId(),
                state.tlsProtocol(), state.tlsCipher(), transaction.recipients(), Instant.now().atZone(ZoneOffset.UTC));
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        // memory is reserved as the data arrives; a declared SIZE= reserves nothing (issue 12)
        MessageBuffer message = new MessageBuffer(h.length + transaction.sizeLimit(), session.deps().budget());
        message.append(h, 0, h.length);
        if (message.starved()) {
            message.release();
            return false;
        }
        transaction.startMessage(message);
        return true;
    }

    /** Refuses the message at its end; the transaction is over. */
    static void reject(CommandContext session, Reply reply, String reason) {
        session.reject(reply, reason, "END-OF-MESSAGE");
        session.transaction().reset();
    }

    /** Hands the message to the queue; the session waits for the broker's answer before its next reply. */
    static void accept(CommandContext session) {
        SessionState state = session.state();
        MailTransaction transaction = session.transaction();
        MessageBuffer held = transaction.takeMessage(); // released when the queue has answered, not at the reset
        byte[] bytes = held.takeBytes(); // its reservation now stands for this array, until the queue answered
        if (ReceivedHeader.count(bytes) - 1 > session.deps().config().limits().maxHops()) { // ours is not a hop
            held.release();
            reject(session, Reply.TOO_MANY_HOPS, "too_many_hops");
            return;
        }
        MailEnvelope envelope = new MailEnvelope(transaction.queueId(), transaction.sender(),
                List.copyOf(transaction.recipients()), state.clientIp(), state.helo(), state.tlsProtocol(),
                state.user() == null ? null : state.user().username(), transaction.tenantId(),
                state.listener() == Listener.MX ? Direction.INBOUND : Direction.OUTBOUND, Instant.now(), bytes.length);
        transaction.reset();
        session.suspend();
        // the span of the end of the transaction: the check on cached answers, the durable write, the reply
        MessageTracing tracing = session.deps().tracing();
        Span span = tracing.enabled() ? acceptSpan(tracing, envelope, state.listener().tag()) : null;
        Context trace = span == null ? null : MessageTracing.context(Context.root(), span, envelope.queueId());
        Future<CheckResult> checked;
        try {
            checked = envelope.direction() == Direction.INBOUND
                    ? session.deps().check().check(envelope, bytes) : Future.succeededFuture(CheckResult.QUEUE);
        } catch (RuntimeException e) {
            checked = Future.succeededFuture(CheckResult.QUEUE); // the check is an optimisation: the stage decides anyway
        }
        checked.onComplete(ar -> {
            CheckResult result = ar.succeeded() && ar.result() != null ? ar.result() : CheckResult.QUEUE;
            if (result.refusal() != null) {
                held.release();
                end(span, result.refusal());
                session.reject(result.refusal(), "policy", "END-OF-MESSAGE");
                session.resume();
                return;
            }
            CheckResult.Inspected inspected = result.inspected();
            Future<Reply> stored = inspected == null
                    ? session.deps().accept().accept(envelope, bytes, null, state.listener().tag(), trace)
                    : session.deps().accept().accept(inspected.envelope(), inspected.message(), inspected.summary(),
                            state.listener().tag(), trace);
            stored.onComplete(reply -> {
                held.release();
                Reply r = reply.succeeded() ? reply.result() : Reply.QUEUE_TEMPFAIL;
                end(span, r);
                session.reply(r);
                session.resume();
            });
        });
    }

    private static Span acceptSpan(MessageTracing tracing, MailEnvelope envelope, String listener) {
        Span span = tracing.start("smtp.accept", SpanKind.SERVER, Context.root(), envelope.queueId());
        span.setAttribute("smtp.listener", listener);
        span.setAttribute("securemail.direction", envelope.direction().name());
        span.setAttribute("securemail.recipients", envelope.recipients().size());
        span.setAttribute("securemail.message.size", envelope.size());
        span.setAttribute("client.address", String.valueOf(envelope.clientIp()));
        return span;
    }

    /** Ends the transaction's span with the reply the client gets. */
    private static void end(Span span, Reply reply) {
        if (span == null) {
            return;
        }
        span.setAttribute("smtp.reply.code", reply.code());
        if (reply.enhanced() != null) {
            span.setAttribute("smtp.reply.enhanced", reply.enhanced());
        }
        if (reply.code() >= 400 && reply.code() < 500) { // ours (the queue, memory); a 5xx refusal is an outcome
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, reply.toString());
        }
        span.end();
    }
}
