package org.securemail.ingest.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import org.jboss.logging.Logger;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.ingest.accept.QueueIds;
import org.securemail.ingest.accept.ReceivedHeader;
import org.securemail.ingest.relay.RcptDecision;
import org.securemail.ingest.reply.Reply;

/**
 * One SMTP session (RFC 5321) on a Vert.x event loop: no thread of its own, no blocking call.
 *
 * <p>Input is processed strictly in order. Replies are collected and written once per read (so a pipelined
 * group gets all its replies in one write, RFC 2920). When a command needs asynchronous work (end of message →
 * Kafka acknowledgement, AUTH → bcrypt on a worker, STARTTLS → handshake) the socket is paused and the rest of the
 * pipelined input waits until the reply is written.
 */
final class SmtpSession {

    private static final Logger LOG = Logger.getLogger("org.securemail.ingest.smtp");
    private static final byte[] EMPTY = new byte[0];

    private enum Mode { COMMAND, DISCARD_LINE, DATA, BDAT, CLOSED }

    private enum AuthStep { NONE, PLAIN, LOGIN_USER, LOGIN_PASSWORD }

    private final NetSocket socket;
    private final SessionDependencies services;
    private final SessionRegistry sessions;
    private final Listener listener;
    private final String clientIp;
    private final String hostname;
    private final long maxSize;

    // input
    private byte[] in = EMPTY;
    private int inPos;
    private int inLen;
    private Mode mode = Mode.COMMAND;
    private boolean suspended;
    private Buffer out = Buffer.buffer(256);

    // session
    private String helo;
    private boolean esmtp;
    private boolean tls;
    private String tlsProtocol;
    private String tlsCipher;
    private SmtpUserRecord user;
    private AuthStep authStep = AuthStep.NONE;
    private String authUsername;
    private int errors;
    private long lastActivity = System.nanoTime();
    private long idleTimer = -1;
    private Context context;
    private boolean closeAfterReply;

    // transaction
    private String queueId;
    private String sender;
    private final List<String> recipients = new ArrayList<>();
    private String tenantId;
    private long declaredSize;
    private boolean smtputf8;
    private long sizeLimit;
    private MessageBuffer message;
    private DataDecoder decoder;
    private boolean bdatUsed;
    private long bdatRemaining;
    private boolean bdatLast;
    private long bdatChunk;
    private Reply bdatError;

    SmtpSession(NetSocket socket, SessionDependencies services, SessionRegistry sessions, Listener listener) {
        this.socket = socket;
        this.services = services;
        this.sessions = sessions;
        this.listener = listener;
        this.clientIp = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
        this.hostname = services.config().hostname();
        this.maxSize = services.config().limits().maxMessageSize();
        this.sizeLimit = maxSize;
    }

    void start() {
        if (sessions.draining()) {
            socket.write(Reply.SHUTTING_DOWN.line()).onComplete(ar -> socket.close());
            return;
        }
        Reply refused = services.limiter().acquire(clientIp);
        if (refused != null) {
            services.metrics().rejected(listener.tag(), "too_many_connections");
            LOG.infof("NOQUEUE: reject: CONNECT from [%s] listener=%s: %s", clientIp, listener.tag(), refused);
            socket.write(refused.line()).onComplete(ar -> socket.close());
            return;
        }
        services.metrics().sessionOpened(listener.tag());
        context = Vertx.currentContext();
        sessions.opened(this);
        socket.closeHandler(v -> closed());
        socket.exceptionHandler(e -> {
            LOG.debugf("connection from [%s] failed: %s", clientIp, e.toString());
            socket.close();
        });
        socket.handler(this::received);
        armIdleTimer(services.config().limits().idleTimeout().toMillis());
        socket.write("220 " + hostname + " ESMTP Securemail\r\n");
    }

    private void closed() {
        mode = Mode.CLOSED;
        if (idleTimer >= 0) {
            services.vertx().cancelTimer(idleTimer);
        }
        services.limiter().release(clientIp);
        services.metrics().sessionClosed(listener.tag());
        resetTransaction();
        sessions.closed(this);
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
                closeAfterReply = true;
                return;
            }
            reply(Reply.SHUTTING_DOWN);
            close();
        });
    }

    // ---------------------------------------------------------------- input

    private void received(Buffer buffer) {
        if (mode == Mode.CLOSED) {
            return;
        }
        lastActivity = System.nanoTime();
        byte[] chunk = buffer.getBytes();
        if (inPos >= inLen) {
            in = chunk;
            inPos = 0;
            inLen = chunk.length;
        } else {
            byte[] joined = new byte[inLen - inPos + chunk.length];
            System.arraycopy(in, inPos, joined, 0, inLen - inPos);
            System.arraycopy(chunk, 0, joined, inLen - inPos, chunk.length);
            in = joined;
            inPos = 0;
            inLen = joined.length;
        }
        drain();
    }

    private void drain() {
        loop:
        while (!suspended && mode != Mode.CLOSED && inPos < inLen) {
            switch (mode) {
                case COMMAND, DISCARD_LINE -> {
                    if (!readLine()) {
                        break loop;
                    }
                }
                case DATA -> {
                    int end = decoder.feed(in, inPos, inLen);
                    if (end < 0) {
                        inPos = inLen;
                    } else {
                        inPos = end;
                        endOfData();
                    }
                }
                case BDAT -> {
                    int n = (int) Math.min(bdatRemaining, inLen - inPos);
                    if (message != null && bdatError == null) {
                        message.append(in, inPos, n);
                    }
                    inPos += n;
                    bdatRemaining -= n;
                    if (bdatRemaining == 0) {
                        endOfChunk();
                    }
                }
                default -> {
                    break loop;
                }
            }
        }
        if (inPos >= inLen) {
            in = EMPTY;
            inPos = 0;
            inLen = 0;
        }
        flush();
    }

    /** Consumes one CRLF-terminated line if complete; false when more input is needed. */
    private boolean readLine() {
        int maxLine = services.config().limits().maxCommandLine();
        int lf = -1;
        for (int i = inPos; i < inLen; i++) {
            if (in[i] == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) {
            if (mode == Mode.DISCARD_LINE || inLen - inPos > maxLine) {
                mode = Mode.DISCARD_LINE; // never buffer an overlong line: drop it up to its end
                inPos = inLen;
            }
            return false;
        }
        int start = inPos;
        inPos = lf + 1;
        if (mode == Mode.DISCARD_LINE || lf + 1 - start > maxLine) {
            mode = Mode.COMMAND;
            error(Reply.LINE_TOO_LONG, "line_too_long");
            return true;
        }
        boolean crlf = lf > start && in[lf - 1] == '\r';
        int end = crlf ? lf - 1 : lf;
        for (int i = start; i < end; i++) {
            if (in[i] == '\r') {
                crlf = false;
                break;
            }
        }
        if (!crlf) {
            authStep = AuthStep.NONE;
            error(Reply.BARE_NEWLINE, "bare_newline");
            return true;
        }
        String line = new String(in, start, end - start, StandardCharsets.UTF_8);
        if (authStep != AuthStep.NONE) {
            authContinuation(line);
        } else {
            command(line);
        }
        return true;
    }

    // ---------------------------------------------------------------- output

    private void reply(Reply r) {
        out.appendString(r.line());
    }

    private void replyRaw(String line) {
        out.appendString(line);
    }

    private void flush() {
        if (out.length() > 0 && mode != Mode.CLOSED) {
            socket.write(out);
            out = Buffer.buffer(256);
        }
    }

    /** An error reply that counts against the session's error limit. */
    private void error(Reply r, String reason) {
        reply(r);
        services.metrics().rejected(listener.tag(), reason);
        if (++errors >= services.config().limits().maxErrors()) {
            LOG.infof("%s: disconnect [%s] after %d errors", queueIdOrNoQueue(), clientIp, errors);
            reply(Reply.TOO_MANY_ERRORS);
            close();
        }
    }

    private void reject(Reply r, String reason, String stage) {
        LOG.infof("%s: reject: %s from [%s] listener=%s helo=<%s>: %s", queueIdOrNoQueue(), stage, clientIp,
                listener.tag(), helo, r);
        error(r, reason);
    }

    private String queueIdOrNoQueue() {
        return queueId == null ? "NOQUEUE" : queueId;
    }

    private void close() {
        if (mode == Mode.CLOSED) {
            return;
        }
        Buffer last = out;
        out = Buffer.buffer(0);
        mode = Mode.CLOSED;
        if (last.length() > 0) {
            socket.write(last).onComplete(ar -> socket.close());
        } else {
            socket.close();
        }
    }

    private void suspend() {
        suspended = true;
        flush();
        socket.pause();
    }

    private void resume() {
        suspended = false;
        if (mode == Mode.CLOSED) {
            return;
        }
        if (closeAfterReply) {
            reply(Reply.SHUTTING_DOWN);
            close();
            return;
        }
        lastActivity = System.nanoTime();
        socket.resume();
        drain();
    }

    private void armIdleTimer(long delayMs) {
        idleTimer = services.vertx().setTimer(Math.max(1, delayMs), id -> {
            if (mode == Mode.CLOSED) {
                return;
            }
            long timeoutMs = services.config().limits().idleTimeout().toMillis();
            long idleMs = (System.nanoTime() - lastActivity) / 1_000_000;
            if (!suspended && idleMs >= timeoutMs) {
                services.metrics().rejected(listener.tag(), "timeout");
                LOG.infof("%s: timeout after %d ms from [%s]", queueIdOrNoQueue(), idleMs, clientIp);
                reply(Reply.TIMEOUT);
                close();
            } else {
                armIdleTimer(suspended ? timeoutMs : timeoutMs - idleMs);
            }
        });
    }

    // ---------------------------------------------------------------- commands

    private void command(String line) {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String args = sp < 0 ? "" : line.substring(sp + 1);
        switch (verb) {
            case "EHLO" -> ehlo(args, true);
            case "HELO" -> ehlo(args, false);
            case "MAIL" -> mail(args);
            case "RCPT" -> rcpt(args);
            case "DATA" -> data(args);
            case "BDAT" -> bdat(args);
            case "RSET" -> {
                resetTransaction();
                reply(Reply.OK);
            }
            case "NOOP" -> reply(Reply.OK);
            case "QUIT" -> {
                reply(Reply.BYE);
                close();
            }
            case "VRFY" -> {
                if (args.isBlank()) {
                    error(Reply.of(501, "5.5.4", "Syntax: VRFY address"), "syntax");
                } else {
                    reply(Reply.of(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery"));
                }
            }
            case "HELP" -> reply(Reply.of(214, "2.0.0",
                    "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH"));
            case "STARTTLS" -> startTls(args);
            case "AUTH" -> auth(args);
            default -> {
                LOG.debugf("unknown command from [%s]: %s", clientIp, verb);
                error(Reply.UNKNOWN_COMMAND, "unknown_command");
            }
        }
    }

    private void ehlo(String args, boolean extended) {
        String name = args.trim();
        if (name.isEmpty() || name.contains(" ")) {
            error(Reply.of(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"), "syntax");
            return;
        }
        resetTransaction();
        helo = name;
        esmtp = extended;
        if (!extended) {
            replyRaw("250 " + hostname + "\r\n");
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(hostname);
        lines.add("PIPELINING");
        lines.add("SIZE " + maxSize);
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        if (!tls && services.config().tls().enabled()) {
            lines.add("STARTTLS");
        }
        lines.add("CHUNKING");
        if (listener == Listener.SUBMISSION && tls && user == null) {
            lines.add("AUTH PLAIN LOGIN");
        }
        for (int i = 0; i < lines.size(); i++) {
            replyRaw("250" + (i == lines.size() - 1 ? " " : "-") + lines.get(i) + "\r\n");
        }
    }

    private boolean needHelo() {
        if (helo == null) {
            error(Reply.NEED_HELO, "sequence");
            return true;
        }
        return false;
    }

    private void mail(String args) {
        if (needHelo()) {
            return;
        }
        if (sender != null) {
            error(Reply.NESTED_MAIL, "sequence");
            return;
        }
        if (listener == Listener.SUBMISSION && user == null) {
            reject(tls ? Reply.AUTH_REQUIRED : Reply.STARTTLS_FIRST, "auth_required", "MAIL");
            return;
        }
        if (!args.regionMatches(true, 0, "FROM:", 0, 5)) {
            error(Reply.of(501, "5.5.4", "Syntax: MAIL FROM:<address>"), "syntax");
            return;
        }
        MailPath path = MailPath.parse(args.substring(5));
        if (path == null) {
            error(Reply.BAD_SENDER_SYNTAX, "syntax");
            return;
        }
        long size = 0;
        boolean utf8 = false;
        for (var p : path.parameters().entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    try {
                        size = Long.parseLong(value == null ? "" : value);
                    } catch (NumberFormatException e) {
                        error(Reply.of(501, "5.5.4", "Bad message size syntax"), "syntax");
                        return;
                    }
                }
                case "BODY" -> {
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        error(Reply.of(501, "5.5.4", "Unsupported BODY parameter"), "syntax");
                        return;
                    }
                }
                case "SMTPUTF8" -> utf8 = esmtp; // addresses and headers may be UTF-8 (RFC 6531)
                case "AUTH" -> {
                    // RFC 4954 §5: accepted and ignored
                }
                default -> {
                    error(Reply.of(555, "5.5.4", "Unsupported option: " + p.getKey()), "syntax");
                    return;
                }
            }
        }
        if (path.unicode() && !utf8) {
            reject(Reply.UTF8_UNDECLARED, "utf8_undeclared", "MAIL");
            return;
        }
        if (size > maxSize) {
            reject(Reply.of(552, "5.3.4", "Message size exceeds fixed limit"), "size", "MAIL");
            return;
        }
        if (size > services.budget().available()) {
            reject(Reply.NO_STORAGE, "no_storage", "MAIL");
            return;
        }
        if (listener == Listener.SUBMISSION) {
            Optional<Reply> refused = services.relay().checkSender(user, path.domain());
            if (refused.isPresent()) {
                reject(refused.get(), "sender_not_owned", "MAIL");
                return;
            }
            tenantId = user.tenantId();
        }
        queueId = QueueIds.next();
        sender = path.address();
        declaredSize = size;
        smtputf8 = utf8;
        reply(Reply.of(250, "2.1.0", "Ok"));
    }

    private void rcpt(String args) {
        if (needHelo()) {
            return;
        }
        if (sender == null) {
            error(Reply.NEED_MAIL, "sequence");
            return;
        }
        if (!args.regionMatches(true, 0, "TO:", 0, 3)) {
            error(Reply.of(501, "5.5.4", "Syntax: RCPT TO:<address>"), "syntax");
            return;
        }
        MailPath path = MailPath.parse(args.substring(3));
        if (path == null || path.nullPath()) {
            error(Reply.BAD_RCPT_SYNTAX, "syntax");
            return;
        }
        if (!path.parameters().isEmpty()) {
            error(Reply.of(555, "5.5.4", "Unsupported option: " + path.parameters().keySet().iterator().next()),
                    "syntax");
            return;
        }
        if (path.unicode() && !smtputf8) {
            reject(Reply.UTF8_UNDECLARED, "utf8_undeclared", "RCPT");
            return;
        }
        if (recipients.size() >= services.config().limits().maxRecipients()) {
            reject(Reply.TOO_MANY_RECIPIENTS, "too_many_recipients", "RCPT");
            return;
        }
        String rcptTenant;
        long rcptLimit = maxSize;
        if (listener == Listener.MX) {
            RcptDecision d = services.relay().inbound(path.localPart(), path.domain());
            if (!d.accepted()) {
                reject(d.reply(), d.reason(), "RCPT <" + path.address() + ">");
                return;
            }
            rcptTenant = d.tenantId();
            long domainLimit = services.relay().sizeLimit(path.domain(), maxSize);
            if (declaredSize > domainLimit) {
                reject(Reply.of(552, "5.3.4", "Message size exceeds the limit of " + path.domain()), "size",
                        "RCPT <" + path.address() + ">");
                return;
            }
            rcptLimit = domainLimit;
        } else {
            rcptTenant = user.tenantId();
        }
        if (tenantId != null && !tenantId.equals(rcptTenant)) {
            reject(Reply.of(452, "4.5.3", "Error: too many recipients (other tenant: send in another transaction)"),
                    "tenant_split", "RCPT <" + path.address() + ">");
            return;
        }
        tenantId = rcptTenant;
        sizeLimit = Math.min(sizeLimit, rcptLimit);
        if (!recipients.contains(path.address())) {
            recipients.add(path.address());
        }
        reply(Reply.of(250, "2.1.5", "Ok"));
    }

    /** Preconditions shared by DATA and BDAT; null when the message may start. */
    private Reply messagePrecondition() {
        if (helo == null) {
            return Reply.NEED_HELO;
        }
        if (sender == null) {
            return Reply.NEED_MAIL;
        }
        if (recipients.isEmpty()) {
            return Reply.NO_VALID_RECIPIENTS;
        }
        return null;
    }

    private void data(String args) {
        if (!args.isBlank()) {
            error(Reply.of(501, "5.5.4", "Syntax: DATA"), "syntax");
            return;
        }
        Reply refused = messagePrecondition();
        if (refused == null && bdatUsed) {
            refused = Reply.of(503, "5.5.1", "Error: DATA after BDAT");
        }
        if (refused != null) {
            error(refused, "sequence");
            return;
        }
        if (!startMessage()) {
            reject(Reply.NO_STORAGE, "no_storage", "DATA");
            return;
        }
        decoder = new DataDecoder(message, services.config().limits().maxTextLine());
        mode = Mode.DATA;
        replyRaw("354 End data with <CR><LF>.<CR><LF>\r\n");
    }

    private void bdat(String args) {
        String[] parts = args.trim().split(" +");
        long size;
        try {
            size = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            size = -1;
        }
        boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
        if (size < 0 || parts.length > 2 || (parts.length == 2 && !last)) {
            // the chunk length is unknown, so the input cannot be resynchronised
            error(Reply.of(501, "5.5.4", "Syntax: BDAT size [LAST]"), "syntax");
            reply(Reply.of(421, "4.7.0", "Error: cannot resynchronise after a bad BDAT"));
            close();
            return;
        }
        bdatError = messagePrecondition();
        if (bdatError == null) {
            if (message == null && !startMessage()) {
                bdatError = Reply.NO_STORAGE;
            } else {
                bdatUsed = true;
            }
        }
        bdatRemaining = size;
        bdatChunk = size;
        bdatLast = last;
        mode = Mode.BDAT;
        if (size == 0) {
            endOfChunk();
        }
    }

    /** Starts the message buffer with the Received header; false when the memory budget cannot hold it. */
    private boolean startMessage() {
        Instant now = Instant.now();
        String header = ReceivedHeader.build(helo, clientIp, hostname,
                ReceivedHeader.protocol(esmtp, tls, user != null), queueId, tlsProtocol, tlsCipher, recipients,
                now.atZone(ZoneOffset.UTC));
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        long limit = h.length + sizeLimit;
        int initial = (int) Math.min(limit, declaredSize > 0 ? declaredSize + h.length + 64 : 16 * 1024);
        message = new MessageBuffer(limit, initial, services.budget());
        message.append(h, 0, h.length);
        if (message.starved()) {
            message.release();
            message = null;
            return false;
        }
        return true;
    }

    private void endOfData() {
        mode = Mode.COMMAND;
        switch (decoder.defect()) {
            case TOO_BIG -> rejectMessage(Reply.SIZE_EXCEEDED, "size");
            case BARE_NEWLINE -> rejectMessage(Reply.BARE_NEWLINE_IN_DATA, "bare_newline");
            case LINE_TOO_LONG -> rejectMessage(Reply.LINE_TOO_LONG_IN_DATA, "line_too_long");
            case NO_STORAGE -> rejectMessage(Reply.NO_STORAGE, "no_storage");
            case NONE -> acceptMessage();
        }
        decoder = null;
    }

    private void endOfChunk() {
        mode = Mode.COMMAND;
        if (bdatError != null) {
            Reply r = bdatError;
            bdatError = null;
            error(r, "sequence");
            return;
        }
        if (message.overflowed()) {
            rejectMessage(Reply.SIZE_EXCEEDED, "size");
            return;
        }
        if (message.starved()) {
            rejectMessage(Reply.NO_STORAGE, "no_storage");
            return;
        }
        if (bdatLast) {
            acceptMessage();
        } else {
            reply(Reply.of(250, "2.0.0", "Ok: " + bdatChunk + " octets received"));
        }
    }

    private void rejectMessage(Reply r, String reason) {
        reject(r, reason, "END-OF-MESSAGE");
        resetTransaction();
    }

    private void acceptMessage() {
        MessageBuffer held = message;
        message = null; // released when the queue has answered, not at the reset below
        byte[] bytes = held.toByteArray();
        MailEnvelope envelope = new MailEnvelope(queueId, sender, List.copyOf(recipients), clientIp, helo,
                tlsProtocol, user == null ? null : user.username(), tenantId,
                listener == Listener.MX ? Direction.INBOUND : Direction.OUTBOUND, Instant.now(), bytes.length);
        resetTransaction();
        suspend();
        services.accept().accept(envelope, bytes, listener.tag()).onComplete(ar -> {
            held.release();
            reply(ar.succeeded() ? ar.result() : Reply.QUEUE_TEMPFAIL);
            resume();
        });
    }

    private void resetTransaction() {
        queueId = null;
        sender = null;
        recipients.clear();
        tenantId = null;
        declaredSize = 0;
        smtputf8 = false;
        sizeLimit = maxSize;
        if (message != null) {
            message.release();
            message = null;
        }
        decoder = null;
        bdatUsed = false;
        bdatError = null;
    }

    // ---------------------------------------------------------------- STARTTLS

    private void startTls(String args) {
        if (!services.config().tls().enabled()) {
            error(Reply.of(502, "5.5.1", "Error: command not implemented"), "unknown_command");
            return;
        }
        if (tls) {
            error(Reply.of(554, "5.5.1", "Error: TLS already active"), "sequence");
            return;
        }
        if (!args.isBlank()) {
            error(Reply.of(501, "5.5.4", "Syntax: STARTTLS"), "syntax");
            return;
        }
        reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
        // Anything pipelined after STARTTLS was sent in clear text: drop it (CVE-2011-0411 class).
        inPos = inLen;
        suspend();
        socket.upgradeToSsl(ar -> {
            if (ar.failed()) {
                LOG.infof("TLS handshake with [%s] failed: %s", clientIp, ar.cause().toString());
                services.metrics().rejected(listener.tag(), "tls_failed");
                socket.close();
                return;
            }
            tls = true;
            SSLSession ssl = socket.sslSession();
            tlsProtocol = ssl == null ? "TLS" : ssl.getProtocol();
            tlsCipher = ssl == null ? null : ssl.getCipherSuite();
            // RFC 3207 §4.2: forget everything learnt before the handshake
            helo = null;
            esmtp = false;
            user = null;
            resetTransaction();
            resume();
        });
    }

    // ---------------------------------------------------------------- AUTH

    private void auth(String args) {
        if (listener != Listener.SUBMISSION) {
            error(Reply.AUTH_NOT_ENABLED, "auth_not_enabled");
            return;
        }
        if (!tls) {
            error(Reply.STARTTLS_FIRST, "auth_without_tls");
            return;
        }
        if (needHelo()) {
            return;
        }
        if (user != null) {
            error(Reply.ALREADY_AUTHENTICATED, "sequence");
            return;
        }
        if (sender != null) {
            error(Reply.of(503, "5.5.1", "Error: MAIL transaction in progress"), "sequence");
            return;
        }
        String[] parts = args.trim().split(" +");
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        String initial = parts.length > 1 ? parts[1] : null;
        switch (mechanism) {
            case "PLAIN" -> {
                if (initial == null) {
                    authStep = AuthStep.PLAIN;
                    replyRaw("334 \r\n");
                } else {
                    plain(initial.equals("=") ? "" : initial);
                }
            }
            case "LOGIN" -> {
                if (initial == null) {
                    authStep = AuthStep.LOGIN_USER;
                    replyRaw("334 VXNlcm5hbWU6\r\n");
                } else {
                    loginUser(initial);
                }
            }
            default -> error(Reply.of(504, "5.5.4", "Error: unsupported authentication mechanism"), "syntax");
        }
    }

    private void authContinuation(String line) {
        AuthStep step = authStep;
        authStep = AuthStep.NONE;
        if (line.equals("*")) {
            error(Reply.AUTH_ABORTED, "auth_aborted");
            return;
        }
        switch (step) {
            case PLAIN -> plain(line);
            case LOGIN_USER -> loginUser(line);
            case LOGIN_PASSWORD -> {
                String password = decode(line);
                if (password != null) {
                    verify(authUsername, password);
                }
            }
            default -> error(Reply.UNKNOWN_COMMAND, "unknown_command");
        }
    }

    private void plain(String base64) {
        String decoded = decode(base64);
        if (decoded == null) {
            return;
        }
        String[] fields = decoded.split("\0", -1); // authzid NUL authcid NUL passwd (RFC 4616)
        if (fields.length != 3 || fields[1].isEmpty()) {
            error(Reply.of(501, "5.5.2", "Error: malformed PLAIN response"), "auth_syntax");
            return;
        }
        if (!fields[0].isEmpty() && !fields[0].equals(fields[1])) {
            error(Reply.of(535, "5.7.8", "Error: authorization identity not permitted"), "auth_failed");
            return;
        }
        verify(fields[1], fields[2]);
    }

    private void loginUser(String base64) {
        String name = decode(base64);
        if (name == null) {
            return;
        }
        authUsername = name;
        authStep = AuthStep.LOGIN_PASSWORD;
        replyRaw("334 UGFzc3dvcmQ6\r\n");
    }

    private String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            error(Reply.of(501, "5.5.2", "Error: cannot decode response"), "auth_syntax");
            return null;
        }
    }

    private void verify(String username, String password) {
        suspend();
        services.authenticator().verify(username, password).onComplete(ar -> {
            if (ar.succeeded() && ar.result().isPresent()) {
                user = ar.result().get();
                LOG.infof("[%s] authenticated as %s (tenant %s)", clientIp, user.username(), user.tenantId());
                reply(Reply.AUTH_OK);
                resume();
            } else {
                LOG.infof("[%s] AUTH failed for user %s", clientIp, username);
                // like Postfix's smtpd_error_sleep_time: slow down password guessing without holding a thread
                services.vertx().setTimer(Math.max(1, services.config().limits().authFailureDelay().toMillis()), t -> {
                    error(Reply.AUTH_FAILED, "auth_failed");
                    resume();
                });
            }
        });
    }
}
