package org.securemail.delivery.smtp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Vertx;
import org.securemail.delivery.config.DeliveryConfig;

/**
 * Sessions kept open for reuse, per address ({@code tls|host|ip:port}): a session goes back here after a clean
 * transaction, is closed after {@code connection-reuse-limit} transactions, and an idle one is closed (QUIT) after
 * {@code connection-idle-time}.
 */
final class ConnectionPool {

    private final Vertx vertx;
    private final DeliveryConfig.Smtp config;
    private final Map<String, ArrayDeque<SmtpConnection>> idle = new ConcurrentHashMap<>();
    private final long sweeper;

    ConnectionPool(Vertx vertx, DeliveryConfig.Smtp config) {
        this.vertx = vertx;
        this.config = config;
        this.sweeper = vertx.setPeriodic(1000, id -> sweepIdle());
    }

    /** The pool key of an address: sessions are reused only with the same TLS policy and host name. */
    static String key(NextHopAddress hop) {
        return hop.tls() + "|" + hop.hostName() + "|" + hop.ip() + ":" + hop.port();
    }

    /** The most recently used open session for {@code key}, or null. */
    SmtpConnection take(String key) {
        ArrayDeque<SmtpConnection> deque = idle.get(key);
        if (deque == null) {
            return null;
        }
        synchronized (deque) {
            SmtpConnection c;
            while ((c = deque.pollLast()) != null) {
                if (c.open()) {
                    return c;
                }
            }
        }
        return null;
    }

    /** A transaction ended cleanly on {@code c}: keep it for the next one, or QUIT once it reached the reuse limit. */
    void release(SmtpConnection c) {
        c.transactions++;
        if (c.transactions >= config.connectionReuseLimit() || !c.open()) {
            c.quit(config.commandTimeout());
            return;
        }
        c.idleSince = System.nanoTime();
        ArrayDeque<SmtpConnection> deque = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        synchronized (deque) {
            deque.addLast(c);
        }
    }

    private void sweepIdle() {
        long limit = config.connectionIdleTime().toNanos();
        long now = System.nanoTime();
        for (ArrayDeque<SmtpConnection> deque : idle.values()) {
            List<SmtpConnection> expired = new ArrayList<>();
            synchronized (deque) {
                deque.removeIf(c -> {
                    boolean gone = !c.open() || now - c.idleSince > limit;
                    if (gone) {
                        expired.add(c);
                    }
                    return gone;
                });
            }
            expired.forEach(c -> c.quit(config.commandTimeout()));
        }
    }

    /** Sessions currently kept for reuse. */
    int size() {
        return idle.values().stream().mapToInt(d -> {
            synchronized (d) {
                return d.size();
            }
        }).sum();
    }

    /** Stops the sweeper and closes every kept session. */
    void close() {
        vertx.cancelTimer(sweeper);
        idle.values().forEach(d -> {
            synchronized (d) {
                d.forEach(c -> c.fail("shutting down"));
                d.clear();
            }
        });
    }
}
