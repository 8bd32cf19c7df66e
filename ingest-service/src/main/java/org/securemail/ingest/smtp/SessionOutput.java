package org.securemail.ingest.smtp;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

import org.securemail.ingest.metrics.IngestMetrics;

/**
 * A session's replies and the socket's back-pressure (issue 12). Replies are collected and written once per read, or
 * every {@link #MAX_PENDING} bytes. Once the socket's write queue is full, because the client does not read its
 * replies, the output is <em>blocked</em>: the socket is not read until the queue drains. The socket is read only
 * while the output is not blocked and the session does not wait for its own work ({@link #reading}). An output blocked
 * for longer than {@code output-blocked-timeout} ends the session: a paused socket does not see its peer's close.
 */
final class SessionOutput {

    /** Replies collected beyond this are written before the next command is processed. */
    static final int MAX_PENDING = 16 * 1024;
    /** How long a closing session waits for its last reply to be written before it closes anyway. */
    private static final long CLOSE_GRACE_MS = 5_000;

    private final NetSocket socket;
    private final Vertx vertx;
    private final IngestMetrics metrics;
    private final Runnable aborted;
    private final long blockedTimeoutMs;
    private final Runnable stuck;
    private long blockedTimer = -1;
    private Buffer pending = Buffer.buffer(256);
    private boolean blocked;
    private boolean closed;

    /**
     * @param drained runs once a blocked output drained (the client reads again)
     * @param aborted runs after a forcible close, which fires no close event on the socket
     * @param blockedTimeoutMs how long the output may stay blocked before {@code stuck} runs
     * @param stuck   runs when the client took none of its replies for {@code blockedTimeoutMs}
     */
    SessionOutput(NetSocket socket, Vertx vertx, IngestMetrics metrics, Runnable drained, Runnable aborted,
            long blockedTimeoutMs, Runnable stuck) {
        this.socket = socket;
        this.vertx = vertx;
        this.metrics = metrics;
        this.aborted = aborted;
        this.blockedTimeoutMs = Math.max(1, blockedTimeoutMs);
        this.stuck = stuck;
        socket.drainHandler(v -> {
            if (blocked && !closed) {
                unblock();
                drained.run();
            }
        });
    }

    void append(String text) {
        pending.appendString(text);
    }

    boolean overThreshold() {
        return pending.length() >= MAX_PENDING;
    }

    /** The client does not read its replies. */
    boolean blocked() {
        return blocked;
    }

    /** Writes what was collected; blocks the output (and stops reading) if the client does not take it. */
    void flush() {
        if (pending.length() > 0 && !closed) {
            socket.write(pending);
            pending = Buffer.buffer(256);
            if (!blocked && socket.writeQueueFull()) {
                blocked = true;
                metrics.outputBlocked(true);
                socket.pause();
                // while paused the socket reads nothing, not even the peer's close: bound the wait
                blockedTimer = vertx.setTimer(blockedTimeoutMs, id -> {
                    blockedTimer = -1;
                    if (blocked && !closed) {
                        stuck.run();
                    }
                });
            }
        }
    }

    /** Reads from the socket unless the session waits for its own work ({@code suspended}) or the output is blocked. */
    void reading(boolean suspended) {
        if (suspended || blocked) {
            socket.pause();
        } else {
            socket.resume();
        }
    }

    /** Writes the last replies, then closes; a client that does not read them is cut off (see {@link #abort}). */
    void close() {
        Buffer last = pending;
        pending = Buffer.buffer(0);
        closed = true;
        if (last.length() > 0 && !blocked && !socket.writeQueueFull()) {
            // a client that does not read may never take the last reply: close anyway after a grace period, which
            // ends as soon as the reply is written (one timer less per ordinary session)
            long grace = vertx.setTimer(CLOSE_GRACE_MS, id -> abort());
            socket.write(last).onComplete(ar -> {
                vertx.cancelTimer(grace);
                socket.close();
            });
        } else if (blocked || socket.writeQueueFull()) {
            abort(); // a client that does not read its replies would not read this one either
        } else {
            socket.close();
        }
    }

    /** The connection is gone: a blocked output no longer counts. */
    void released() {
        closed = true;
        if (blocked) {
            unblock();
        }
    }

    /**
     * Closes the connection now, dropping unwritten output (the client gets a reset): {@link NetSocket#close()}, and a
     * plain Netty close, wait for what was written to reach the client, which never happens when it does not read.
     */
    void abort() {
        ((NetSocketInternal) socket).channelHandlerContext().channel().unsafe().closeForcibly();
        aborted.run();
    }

    private void unblock() {
        if (blockedTimer >= 0) {
            vertx.cancelTimer(blockedTimer);
            blockedTimer = -1;
        }
        blocked = false;
        metrics.outputBlocked(false);
    }
}
