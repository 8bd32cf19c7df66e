package org.securemail.delivery.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * One client SMTP connection: writes commands, parses (multi-line) replies and hands them, in order, to the
 * readers waiting for them. Pipelining is simply several writes followed by several reads. Every read has a
 * timeout; a timeout or a protocol error closes the connection and fails every pending read.
 *
 * <p>A next hop is a stranger (issue 12): a reply has at most {@link #MAX_REPLY_LINES} lines and
 * {@link #MAX_REPLY_BYTES} bytes, and the bytes of a peer that does not speak SMTP are never repeated in an error:
 * they would reach the tenant's tracking timeline (an SSH banner, say).
 */
final class SmtpConnection {

    /** Longest reply line accepted (RFC 5321 says 512; be lenient). */
    private static final int MAX_LINE = 4096;
    /** Lines of one (multi-line) reply; an EHLO reply has a dozen. */
    static final int MAX_REPLY_LINES = 100;
    /** Bytes of one reply's text. */
    static final int MAX_REPLY_BYTES = 64 * 1024;
    /**
     * Most bytes of complete replies that no read has taken yet. Pipelined replies wait here legitimately (a
     * transaction's replies are far below this); beyond it the peer is sending replies nobody asked for, e.g. to a
     * connection idle in the cache.
     */
    static final int MAX_UNREAD_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private NetSocket socket;
    final NextHopAddress hop;
    final String key;

    private Buffer buffer = Buffer.buffer();
    private List<String> partial = new ArrayList<>();
    private int partialBytes;
    private boolean answered;
    private final ArrayDeque<SmtpReply> unread = new ArrayDeque<>();
    private long unreadBytes;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean closed;
    private String closeReason = "connection closed";

    final Set<String> extensions = new HashSet<>();
    long maxSize;
    boolean esmtp;
    boolean tls;
    /** The event loop the socket's handlers run on: a reused session's transaction runs there too. */
    final io.vertx.core.Context context;
    int transactions;
    long idleSince;

    private static final class Waiter {
        final Promise<SmtpReply> promise = Promise.promise();
        final String stage;
        long timer = -1;

        Waiter(String stage) {
            this.stage = stage;
        }
    }

    SmtpConnection(Vertx vertx, NetSocket socket, NextHopAddress hop, String key) {
        this.vertx = vertx;
        this.hop = hop;
        this.key = key;
        io.vertx.core.Context current = Vertx.currentContext();
        this.context = current != null ? current : vertx.getOrCreateContext();
        attach(socket);
    }

    /** (Re)attach the handlers, also after the STARTTLS upgrade. */
    private void attach(NetSocket s) {
        this.socket = s;
        s.handler(this::onData);
        s.closeHandler(v -> onClosed("lost connection with " + hop.display()));
        s.exceptionHandler(t -> onClosed("lost connection with " + hop.display() + ": " + t.getMessage()));
    }

    NetSocket socket() {
        return socket;
    }

    synchronized boolean open() {
        return !closed;
    }

    boolean offers(String keyword) {
        return extensions.contains(keyword);
    }

    void parseEhlo(SmtpReply reply) {
        extensions.clear();
        maxSize = 0;
        for (int i = 1; i < reply.lines().size(); i++) {
            String[] words = reply.lines().get(i).trim().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            String keyword = words[0].toUpperCase(Locale.ROOT);
            extensions.add(keyword);
            if (keyword.equals("SIZE") && words.length > 1) {
                try {
                    maxSize = Long.parseLong(words[1]);
                } catch (NumberFormatException ignored) {
                    maxSize = 0;
                }
            }
        }
    }

    private synchronized void onData(Buffer data) {
        if (closed) {
            return;
        }
        buffer.appendBuffer(data);
        int start = 0;
        for (int i = 0; i < buffer.length(); i++) {
            if (buffer.getByte(i) != '\n') {
                continue;
            }
            int end = i > start && buffer.getByte(i - 1) == '\r' ? i - 1 : i;
            String line = buffer.getString(start, end, StandardCharsets.ISO_8859_1.name());
            start = i + 1;
            if (!onLine(line)) {
                return;
            }
        }
        buffer = start == 0 ? buffer : buffer.getBuffer(start, buffer.length());
        if (buffer.length() > MAX_LINE) {
            fail("protocol error: reply line too long from " + hop.display());
        }
    }

    private boolean onLine(String line) {
        if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' '
                        && line.charAt(3) != '-')) {
            fail(answered ? "protocol error: malformed reply from " + hop.display()
                    : "protocol error: no SMTP greeting from " + hop.display());
            return false;
        }
        int code = Integer.parseInt(line.substring(0, 3));
        partial.add(line.length() > 4 ? line.substring(4) : "");
        partialBytes += line.length();
        if (partial.size() > MAX_REPLY_LINES || partialBytes > MAX_REPLY_BYTES) {
            fail("protocol error: reply too long from " + hop.display());
            return false;
        }
        if (line.length() > 3 && line.charAt(3) == '-') {
            return true;
        }
        SmtpReply reply = new SmtpReply(code, partial);
        int replyBytes = partialBytes;
        partial = new ArrayList<>();
        partialBytes = 0;
        answered = true;
        Waiter waiter = waiters.poll();
        if (waiter == null) {
            unread.add(reply);
            unreadBytes += replyBytes;
            if (unreadBytes > MAX_UNREAD_BYTES) {
                fail("protocol error: replies nobody asked for from " + hop.display());
                return false;
            }
        } else {
            complete(waiter, reply);
        }
        return true;
    }

    private void complete(Waiter waiter, SmtpReply reply) {
        if (waiter.timer >= 0) {
            vertx.cancelTimer(waiter.timer);
        }
        waiter.promise.tryComplete(reply);
    }

    /** The next reply, failing with {@link SmtpException} after {@code timeout} or when the connection goes. */
    synchronized Future<SmtpReply> read(String stage, Duration timeout) {
        SmtpReply ready = unread.poll();
        if (ready != null) {
            unreadBytes = unread.isEmpty() ? 0 : Math.max(0, unreadBytes - ready.lines().stream().mapToInt(l -> l.length() + 4).sum());
            return Future.succeededFuture(ready);
        }
        if (closed) {
            return Future.failedFuture(new SmtpException(closeReason + " while " + stage));
        }
        Waiter waiter = new Waiter(stage);
        waiter.timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            synchronized (SmtpConnection.this) {
                waiter.timer = -1;
                if (waiters.contains(waiter)) {
                    fail("conversation with " + hop.display() + " timed out");
                }
            }
        });
        waiters.add(waiter);
        return waiter.promise.future();
    }

    synchronized void write(String command) {
        if (!closed) {
            socket.write(Buffer.buffer(command + "\r\n", StandardCharsets.ISO_8859_1.name()));
        }
    }

    synchronized void writeRaw(byte[] bytes) {
        if (!closed) {
            socket.write(Buffer.buffer(bytes));
        }
    }

    Future<SmtpReply> command(String command, String stage, Duration timeout) {
        write(command);
        return read(stage, timeout);
    }

    /** Upgrade to TLS in place (after a 220 to STARTTLS). */
    Future<Void> upgradeToTls(String serverName) {
        synchronized (this) {
            buffer = Buffer.buffer();
            unread.clear();
            unreadBytes = 0;
        }
        return socket.upgradeToSsl(serverName).onSuccess(v -> tls = true);
    }

    private synchronized void onClosed(String reason) {
        if (!closed) {
            closed = true;
            closeReason = reason;
            failWaiters();
        }
    }

    /** Close with a reason; pending reads fail with it. */
    synchronized void fail(String reason) {
        if (!closed) {
            closed = true;
            closeReason = reason;
            socket.close();
        }
        failWaiters();
    }

    private void failWaiters() {
        Waiter waiter;
        while ((waiter = waiters.poll()) != null) {
            if (waiter.timer >= 0) {
                vertx.cancelTimer(waiter.timer);
            }
            waiter.promise.tryFail(new SmtpException(closeReason + " while " + waiter.stage));
        }
    }

    /** Polite close: QUIT, then close without waiting long for the 221. */
    void quit(Duration timeout) {
        if (!open()) {
            return;
        }
        command("QUIT", "sending QUIT", timeout).onComplete(ar -> fail("closed after QUIT"));
    }

}
