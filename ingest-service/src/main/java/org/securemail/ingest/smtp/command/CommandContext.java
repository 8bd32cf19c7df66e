package org.securemail.ingest.smtp.command;

import java.util.function.Consumer;

import javax.net.ssl.SSLSession;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;

import org.securemail.common.observe.MessageLog;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.MailTransaction;
import org.securemail.ingest.smtp.SessionDependencies;
import org.securemail.ingest.smtp.SessionState;

/**
 * What a command may do with its session. Replies are collected and written once per read; a command that needs
 * asynchronous work calls {@link #suspend()} and, once its reply is added, {@link #resume()}.
 */
public interface CommandContext {

    SessionState state();

    MailTransaction transaction();

    SessionDependencies deps();

    void reply(Reply reply);

    /** Adds reply lines exactly as given (CRLF included): multi-line EHLO, 354, 334. */
    void replyRaw(String lines);

    /** An error reply that counts against the session's error limit (and may close the session). */
    void error(Reply reply, String reason);

    /** An error reply that is also logged, Postfix style: {@code <id>: reject: <stage> from [ip] ...}. */
    default void reject(Reply reply, String reason, String stage) {
        MessageLog.of("org.securemail.ingest.smtp").info(transaction().queueId(),
                "%s: reject: %s from [%s] listener=%s helo=<%s>: %s", transaction().logId(), stage, state().clientIp(),
                state().listener().tag(), state().helo(), reply);
        error(reply, reason);
    }

    /** Writes what is pending, then closes the connection. */
    void close();

    /** Writes the pending replies and pauses the socket: pipelined input waits. */
    void suspend();

    /** Continues reading after {@link #suspend()}. */
    void resume();

    /** The next input bytes are message content for {@code body} until it says where the body ends. */
    void readBody(BodyReader body);

    /** The next line is not a command but an answer for {@code handler} (AUTH continuation). */
    void expectLine(Consumer<String> handler);

    /**
     * Drops whatever the client sent after the current command, writes the pending replies, pauses reading and starts
     * the TLS handshake; {@code done} gets the TLS session (null when unknown) and must {@link #resume()} or close.
     */
    void startTls(Handler<AsyncResult<SSLSession>> done);

    /** Refuses with {@code 503 5.5.1} when the client has not sent EHLO/HELO yet; true then. */
    default boolean missingHelo() {
        if (state().helo() == null) {
            error(Reply.NEED_HELO, "sequence");
            return true;
        }
        return false;
    }
}
