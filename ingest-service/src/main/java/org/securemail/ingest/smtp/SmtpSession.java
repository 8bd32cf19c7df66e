package org.securemail.ingest.smtp;

import java.util.Locale;
import java.util.function.Consumer;

import javax.net.ssl.SSLSession;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

import org.jboss.logging.Logger;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.command.BodyReader;
import org.securemail.ingest.smtp.command.CommandContext;
import org.securemail.ingest.smtp.command.Commands;
import org.securemail.ingest.smtp.command.SmtpCommand;

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
 * <p>Output back-pressure (issue 12): once the socket's write queue is full, because the client does not read its
 * replies, the session stops reading (and stops processing what it already read) until the queue drains, and replies
 * are written at least every {@link #MAX_PENDING_OUTPUT} bytes, so a client that pipelines and never reads holds a
 * bounded amount of memory. Besides the idle timer, a session ends after {@code session-lifetime} however busy it is,
 * and a message must come in at {@code min-data-rate} or faster ({@link DataRateTimer}).
 */
final class SmtpSession implements CommandContext {

    private static final Logger LOG = Logger.getLogger("org.securemail.ingest.smtp");

    private enum Mode { COMMAND, DISCARD_LINE, BODY, CLOSED }

    /** Replies collected beyond this are written before the next command is processed. */
    static final int MAX_PENDING_OUTPUT = 16 * 1024;
    /** How long a closing session waits for its last reply to be written before it closes anyway. */
    private static final long CLOSE_GRACE_MS = 5_000;

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
    /** The client does not read its replies: the socket's write queue is full. */
    private boolean outputBlocked;
    private Buffer out = Buffer.buffer(256);

    private final IdleTimer idle;
    private final DataRateTimer dataRate;
    private long lifetimeTimer = -1;
    private int errors;
    private Context context;
    /** Sent, and the session closed, once the asynchronous work in progress has its reply; null when none. */
    private Reply closeAfterReply;
    /** The connection slot was given back (once, by the close event or by {@link #abort()}). */
    private boolean released;

    SmtpSession(NetSocket socket, SessionDependencies deps, SessionRegistry registry, SessionState state) {
        this.socket = socket;
        this.deps = deps;
        this.registry = registry;
        this.state = state;
        this.transaction = new MailTransaction(deps.config().limits().maxMessageSize());
        this.idle = new IdleTimer(deps.vertx(), deps.config().limits().idleTimeout().toMillis(), () -> suspended,
                this::timedOut);
        this.dataRate = new DataRateTimer(deps.vertx(), deps.config().limits().minDataRate(),
                deps.config().limits().minDataRateGrace().toNanos(), () -> suspended || outputBlocked, this::tooSlow);
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
        socket.drainHandler(v -> outputDrained());
        idle.start();
        lifetimeTimer = deps.vertx().setTimer(Math.max(1, deps.config().limits().sessionLifetime().toMillis()),
                id -> lifetimeOver());
        socket.write("220 " + deps.config().hostname() + " ESMTP Securemail\r\n");
    }

    private void closed() {
        if (released) {
            return;
        }
        released = true;
        mode = Mode.CLOSED;
        stopTimers();
        if (outputBlocked) {
            outputBlocked = false;
            deps.metrics().outputBlocked(false);
        }
        transaction.reset();
        registry.closed(this);
    }

    private void stopTimers() {
        idle.stop();
        dataRate.stop();
        if (lifetimeTimer >= 0) {
            deps.vertx().cancelTimer(lifetimeTimer);
            lifetimeTimer = -1;
        }
    }

    /**
     * Graceful shutdown, from any thread: {@code 421 4.3.2} now, or, while a message is being queued, right after
     * its reply (so a message the broker acknowledged is never left without its 250).
     */
    void shutdown() {
        context.runOnContext(v -> {
            if (mode == Mode.CLOSED) {
                return;
            }
            if (suspended) {
                closeAfterReply = Reply.SHUTTING_DOWN;
                return;
            }
            reply(Reply.SHUTTING_DOWN);
            close();
        });
    }

    /** {@code session-lifetime} is over: {@code 421 4.4.2} now, or right after the reply the session waits for. */
    private void lifetimeOver() {
        lifetimeTimer = -1;
        if (mode == Mode.CLOSED) {
            return;
        }
        deps.metrics().rejected(state.listener().tag(), "session_lifetime");
        LOG.infof("%s: session lifetime exceeded from [%s] listener=%s", transaction.logId(), state.clientIp(),
                state.listener().tag());
        if (suspended) {
            if (closeAfterReply == null) {
                closeAfterReply = Reply.LIFETIME_EXCEEDED;
            }
            return;
        }
        reply(Reply.LIFETIME_EXCEEDED);
        close();
    }

    // ---------------------------------------------------------------- framing

    private void received(Buffer buffer) {
        if (mode == Mode.CLOSED) {
            return;
        }
        idle.touch();
        dataRate.received(buffer.length());
        input.append(buffer.getBytes());
        drain();
    }

    private void drain() {
        while (!suspended && !outputBlocked && mode != Mode.CLOSED && !input.isEmpty()) {
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
            if (out.length() >= MAX_PENDING_OUTPUT) {
                flush(); // may block the output, which ends the loop: the rest of the input waits
            }
        }
        input.compact();
        if (dataRate.running() && mode != Mode.BODY && transaction.message() == null) {
            dataRate.stop(); // the message ended (DATA, BDAT LAST, or refused)
        }
        flush();
    }

    /** Consumes one CRLF-terminated line if complete; false when more input is needed. */
    private boolean readLine() {
        int maxLine = deps.config().limits().maxCommandLine();
        int lf = input.lineFeed();
        if (lf < 0) {
            if (mode == Mode.DISCARD_LINE || input.remaining() > maxLine) {
                mode = Mode.DISCARD_LINE; // never buffer an overlong line: drop it up to its end
                input.skipAll();
            }
            return false;
        }
        byte[] raw = input.take(lf + 1);
        if (mode == Mode.DISCARD_LINE || raw.length > maxLine) {
            mode = Mode.COMMAND;
            error(Reply.LINE_TOO_LONG, "line_too_long");
            return true;
        }
        String line = InputBuffer.crlfLine(raw);
        if (line == null || line.indexOf('\0') >= 0) { // a NUL would reach headers and envelopes (issue 18)
            lineHandler = null;
            error(line == null ? Reply.BARE_NEWLINE : Reply.NUL_IN_COMMAND, line == null ? "bare_newline" : "nul");
            return true;
        }
        Consumer<String> handler = lineHandler;
        lineHandler = null;
        if (handler != null) {
            handler.accept(line);
        } else {
            dispatch(line);
        }
        return true;
    }

    private void dispatch(String line) {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        SmtpCommand command = Commands.forVerb(verb);
        if (command == null) {
            LOG.debugf("unknown command from [%s]: %s", state.clientIp(), verb);
            error(Reply.UNKNOWN_COMMAND, "unknown_command");
            return;
        }
        command.execute(this, sp < 0 ? "" : line.substring(sp + 1));
    }

    // ---------------------------------------------------------------- output and back-pressure

    @Override
    public void reply(Reply r) {
        out.appendString(r.line());
    }

    @Override
    public void replyRaw(String lines) {
        out.appendString(lines);
    }

    private void flush() {
        if (out.length() > 0 && mode != Mode.CLOSED) {
            socket.write(out);
            out = Buffer.buffer(256);
            if (!outputBlocked && socket.writeQueueFull()) {
                outputBlocked = true; // the client does not read: stop reading it until its replies drain
                deps.metrics().outputBlocked(true);
                updateReading();
            }
        }
    }

    /** The socket's write queue drained (the client reads again): take up the input where it stopped. */
    private void outputDrained() {
        if (!outputBlocked || mode == Mode.CLOSED) {
            return;
        }
        outputBlocked = false;
        deps.metrics().outputBlocked(false);
        updateReading();
        if (!suspended) {
            drain();
        }
    }

    /** Reads from the socket unless the session waits for its own work or for the client to read. */
    private void updateReading() {
        if (suspended || outputBlocked) {
            socket.pause();
        } else {
            socket.resume();
        }
    }

    @Override
    public void error(Reply r, String reason) {
        reply(r);
        deps.metrics().rejected(state.listener().tag(), reason);
        if (++errors >= deps.config().limits().maxErrors()) {
            LOG.infof("%s: disconnect [%s] after %d errors", transaction.logId(), state.clientIp(), errors);
            reply(Reply.TOO_MANY_ERRORS);
            close();
        }
    }

    @Override
    public void reject(Reply r, String reason, String stage) {
        LOG.infof("%s: reject: %s from [%s] listener=%s helo=<%s>: %s", transaction.logId(), stage, state.clientIp(),
                state.listener().tag(), state.helo(), r);
        error(r, reason);
    }

    @Override
    public void close() {
        if (mode == Mode.CLOSED) {
            return;
        }
        Buffer last = out;
        out = Buffer.buffer(0);
        mode = Mode.CLOSED;
        stopTimers();
        if (last.length() > 0 && !outputBlocked && !socket.writeQueueFull()) {
            socket.write(last).onComplete(ar -> socket.close());
            // a client that does not read may never take the last reply: close anyway
            deps.vertx().setTimer(CLOSE_GRACE_MS, id -> abort());
        } else if (outputBlocked || socket.writeQueueFull()) {
            abort(); // a client that does not read its replies would not read this one either
        } else {
            socket.close();
        }
    }

    /**
     * Closes the connection now, dropping unwritten output (the client gets a reset): {@link NetSocket#close()}, and
     * a plain Netty close, wait for what was written to reach the client, which never happens when it does not read.
     * A forcible close fires no close event, so the slot is given back here.
     */
    private void abort() {
        ((NetSocketInternal) socket).channelHandlerContext().channel().unsafe().closeForcibly();
        closed();
    }

    @Override
    public void suspend() {
        suspended = true;
        flush();
        updateReading();
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
        idle.touch();
        dataRate.resumed();
        updateReading();
        drain();
    }

    private void timedOut(long idleMs) {
        deps.metrics().rejected(state.listener().tag(), "timeout");
        LOG.infof("%s: timeout after %d ms from [%s]", transaction.logId(), idleMs, state.clientIp());
        reply(Reply.TIMEOUT);
        close();
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
        dataRate.start();
    }

    /** The message came in slower than {@code min-data-rate}: it is dropped and the session closed. */
    private void tooSlow() {
        if (mode == Mode.CLOSED) {
            return;
        }
        deps.metrics().rejected(state.listener().tag(), "data_rate");
        LOG.infof("%s: data rate too low from [%s] listener=%s", transaction.logId(), state.clientIp(),
                state.listener().tag());
        transaction.reset(); // the partial message's memory is given back now
        reply(Reply.DATA_RATE_TOO_LOW);
        close();
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
