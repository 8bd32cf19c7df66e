package org.securemail.ingest.smtp;

import java.util.function.Consumer;

import javax.net.ssl.SSLSession;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import org.jboss.logging.Logger;
import org.securemail.common.observe.MessageLog;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.command.BodyReader;
import org.securemail.ingest.smtp.command.CommandContext;
import org.securemail.ingest.smtp.command.Commands;

/**
 * One SMTP session (RFC 5321) on a Vert.x event loop: no thread of its own, no blocking call. It frames the input,
 * collects and writes the replies, runs the idle timer and dispatches each command line to its verb in
 * {@link org.securemail.ingest.smtp.command}.
 *
 * <p>Input is processed strictly in order. Replies are collected and written once per read (so a pipelined
 * group gets all its replies in one write, RFC 2920). When a command needs asynchronous work (end of message →
 * Kafka acknowledgement, AUTH → bcrypt on a worker, STARTTLS → handshake) the socket is paused and the rest of the
 * pipelined input waits until the reply is written.
 *
 * <p>Output back-pressure (issue 12, {@link SessionOutput}): while the client does not read its replies the session
 * stops reading, and stops processing what it already read, so a client that pipelines and never reads holds a
 * bounded amount of memory. Besides the idle timer, a session ends after {@code session-lifetime} however busy it is,
 * and a message must come in at {@code min-data-rate} or faster ({@link SessionTimers}).
 */
final class SmtpSession implements CommandContext {

    private static final Logger LOG = Logger.getLogger("org.securemail.ingest.smtp");
    private static final MessageLog MAIL = MessageLog.of("org.securemail.ingest.smtp");

    private enum Mode { COMMAND, BODY, CLOSED }

    private final NetSocket socket;
    private final SessionDependencies deps;
    private final SessionRegistry registry;
    private final SessionState state;
    private final MailTransaction transaction;

    private final InputBuffer input = new InputBuffer();
    private Mode mode = Mode.COMMAND;
    private BodyReader body;
    private Consumer<String> lineHandler;
    private boolean suspended;
    private final SessionOutput output;

    private final SessionTimers timers;
    private int errors;
    private Context context;
    /** Sent, and the session closed, once the asynchronous work in progress has its reply; null when none. */
    private Reply closeAfterReply;
    /** The connection slot was given back (once, by the close event or by {@link SessionOutput#abort()}). */
    private boolean released;

    SmtpSession(NetSocket socket, SessionDependencies deps, SessionRegistry registry, SessionState state) {
        this.socket = socket;
        this.deps = deps;
        this.registry = registry;
        this.state = state;
        this.transaction = new MailTransaction(deps.config().limits().maxMessageSize());
        this.output = new SessionOutput(socket, deps.vertx(), deps.metrics(), this::outputDrained, this::closed,
                deps.config().limits().outputBlockedTimeout().toMillis(),
                () -> limitReached(Reply.TIMEOUT, "output_blocked", "replies not read for "
                        + deps.config().limits().outputBlockedTimeout().toSeconds() + " s"));
        this.timers = new SessionTimers(deps.vertx(), deps.config().limits(), () -> suspended,
                () -> suspended || output.blocked(), this::limitReached);
    }

    /** Starts a session the server admitted (it holds a connection slot, given back when the connection closes). */
    void start() {
        context = Vertx.currentContext();
        registry.opened(this);
        socket.closeHandler(v -> closed());
        socket.exceptionHandler(e -> {
            LOG.debugf("connection from [%s] failed: %s", state.clientIp(), e.toString());
            socket.close();
        });
        socket.handler(this::received);
        timers.start();
        socket.write("220 " + deps.config().hostname() + " ESMTP Securemail\r\n");
    }

    private void closed() {
        if (released) {
            return;
        }
        released = true;
        mode = Mode.CLOSED;
        timers.stop();
        output.released();
        transaction.reset();
        registry.closed(this);
    }

    /** Its mode, and whether its output is blocked (a diagnostic: read from any thread, so possibly a bit old). */
    String describe() {
        return mode + (output.blocked() ? " output-blocked" : "");
    }

    /**
     * Graceful shutdown, from any thread: {@code 421 4.3.2} now, or, while a message is being queued, right after
     * its reply (so a message the broker acknowledged is never left without its 250).
     */
    void shutdown() {
        context.runOnContext(v -> endWith(Reply.SHUTTING_DOWN));
    }

    /** A limit of {@link SessionTimers} ended the session. */
    private void limitReached(Reply r, String reason, String what) {
        if (mode == Mode.CLOSED) {
            return;
        }
        deps.metrics().rejected(state.listener().tag(), reason);
        MAIL.info(transaction.queueId(), "%s: %s from [%s] listener=%s", transaction.logId(), what, state.clientIp(),
                state.listener().tag());
        endWith(r);
    }

    /**
     * Ends the session with {@code r}: now, the partial message's memory given back, or, while the session waits for
     * its own work (a message being queued), right after that work's reply.
     */
    private void endWith(Reply r) {
        if (mode == Mode.CLOSED) {
            return;
        }
        if (suspended) {
            if (closeAfterReply == null) {
                closeAfterReply = r;
            }
            return;
        }
        transaction.reset();
        reply(r);
        close();
    }

    // ---------------------------------------------------------------- framing

    private void received(Buffer buffer) {
        if (mode == Mode.CLOSED) {
            return;
        }
        timers.received(buffer.length());
        input.append(buffer.getBytes());
        drain();
    }

    private void drain() {
        while (!suspended && !output.blocked() && mode != Mode.CLOSED && !input.isEmpty()) {
            if (mode == Mode.BODY) {
                if (input.feed(body)) {
                    BodyReader ended = body;
                    body = null;
                    mode = Mode.COMMAND;
                    ended.end();
                }
            } else if (!readLine()) {
                break;
            }
            if (output.overThreshold()) {
                output.flush(); // may block the output, which ends the loop: the rest of the input waits
            }
        }
        input.compact();
        if (mode != Mode.BODY && transaction.message() == null) {
            timers.messageEnded(); // DATA, BDAT LAST, or refused
        }
        output.flush();
    }

    /** Consumes one CRLF-terminated line if complete; false when more input is needed. */
    private boolean readLine() {
        switch (input.nextLine(deps.config().limits().maxCommandLine())) {
            case INCOMPLETE -> {
                return false;
            }
            case TOO_LONG -> error(Reply.LINE_TOO_LONG, "line_too_long");
            case BARE_NEWLINE -> badLine(Reply.BARE_NEWLINE, "bare_newline");
            case NUL -> badLine(Reply.NUL_IN_COMMAND, "nul");
            case LINE -> {
                Consumer<String> handler = lineHandler;
                lineHandler = null;
                if (handler != null) {
                    handler.accept(input.line());
                } else {
                    Commands.dispatch(this, input.line());
                }
            }
        }
        return true;
    }

    /** A line that is not a valid command line is refused, and so is an answer it was meant to be (AUTH). */
    private void badLine(Reply r, String reason) {
        lineHandler = null;
        error(r, reason);
    }

    // ---------------------------------------------------------------- output and back-pressure

    @Override
    public void reply(Reply r) {
        output.append(r.line());
    }

    @Override
    public void replyRaw(String lines) {
        output.append(lines);
    }

    /** The client reads its replies again: take up the input where it stopped. */
    private void outputDrained() {
        output.reading(suspended);
        if (!suspended) {
            drain();
        }
    }

    @Override
    public void error(Reply r, String reason) {
        reply(r);
        deps.metrics().rejected(state.listener().tag(), reason);
        if (++errors >= deps.config().limits().maxErrors()) {
            MAIL.info(transaction.queueId(), "%s: disconnect [%s] after %d errors", transaction.logId(),
                    state.clientIp(), errors);
            reply(Reply.TOO_MANY_ERRORS);
            close();
        }
    }

    @Override
    public void close() {
        if (mode == Mode.CLOSED) {
            return;
        }
        mode = Mode.CLOSED;
        timers.stop();
        output.close();
    }

    @Override
    public void suspend() {
        suspended = true;
        output.flush();
        output.reading(true);
    }

    @Override
    public void resume() {
        suspended = false;
        if (mode == Mode.CLOSED) {
            return;
        }
        if (closeAfterReply != null) {
            reply(closeAfterReply);
            close();
            return;
        }
        timers.resumed();
        output.reading(false);
        drain();
    }

    // ---------------------------------------------------------------- what commands reach

    @Override
    public SessionState state() {
        return state;
    }

    @Override
    public MailTransaction transaction() {
        return transaction;
    }

    @Override
    public SessionDependencies deps() {
        return deps;
    }

    @Override
    public void readBody(BodyReader reader) {
        body = reader;
        mode = Mode.BODY;
        timers.messageStarted();
    }

    @Override
    public void expectLine(Consumer<String> handler) {
        lineHandler = handler;
    }

    @Override
    public void startTls(Handler<AsyncResult<SSLSession>> done) {
        input.skipAll(); // sent in clear text before the handshake (CVE-2011-0411 class)
        suspend();
        socket.upgradeToSsl(ar -> done.handle(ar.map(v -> socket.sslSession())));
    }
}
