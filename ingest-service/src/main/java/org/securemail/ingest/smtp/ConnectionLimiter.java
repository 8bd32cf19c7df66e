package org.securemail.ingest.smtp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.reply.Reply;

/**
 * Connection limits (Postfix anvil-like, local to a replica): in total, per listener (so a flood on MX leaves
 * submission its slots, and the other way round) and per client IP.
 */
@ApplicationScoped
public class ConnectionLimiter {

    /** What kept a connection out; null in {@link #acquire} means admitted. */
    public enum Refusal {
        TOTAL(Reply.TOO_MANY_CONNECTIONS, "too_many_connections"),
        LISTENER(Reply.LISTENER_FULL, "listener_full"),
        CLIENT_IP(Reply.TOO_MANY_CONNECTIONS_FROM_IP, "too_many_connections");

        private final Reply reply;
        private final String reason;

        Refusal(Reply reply, String reason) {
            this.reply = reply;
            this.reason = reason;
        }

        /** The 421 sent before closing. */
        public Reply reply() {
            return reply;
        }

        /** The {@code reason} label of {@code smtp_rejections_total}. */
        public String reason() {
            return reason;
        }
    }

    private final int maxTotal;
    private final int maxPerIp;
    private final Map<Listener, Integer> maxPerListener = new EnumMap<>(Listener.class);
    private final AtomicInteger total = new AtomicInteger();
    private final Map<Listener, AtomicInteger> perListener = new EnumMap<>(Listener.class);
    private final ConcurrentHashMap<String, AtomicInteger> perIp = new ConcurrentHashMap<>();

    public ConnectionLimiter(IngestConfig config) {
        this.maxTotal = config.limits().maxConnections();
        this.maxPerIp = config.limits().maxConnectionsPerIp();
        maxPerListener.put(Listener.MX, config.limits().mxMaxConnections());
        maxPerListener.put(Listener.SUBMISSION, config.limits().submissionMaxConnections());
        for (Listener l : Listener.values()) {
            perListener.put(l, new AtomicInteger());
        }
    }

    /** Takes a slot for {@code ip} on {@code listener}; returns null when admitted, else why not. */
    public Refusal acquire(String ip, Listener listener) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.TOTAL;
        }
        AtomicInteger onListener = perListener.get(listener);
        if (onListener.incrementAndGet() > maxPerListener.get(listener)) {
            onListener.decrementAndGet();
            total.decrementAndGet();
            return Refusal.LISTENER;
        }
        AtomicInteger count = perIp.compute(ip, (k, v) -> {
            AtomicInteger c = v == null ? new AtomicInteger() : v;
            c.incrementAndGet();
            return c;
        });
        if (count.get() > maxPerIp) {
            release(ip, listener);
            return Refusal.CLIENT_IP;
        }
        return null;
    }

    public void release(String ip, Listener listener) {
        total.decrementAndGet();
        perListener.get(listener).decrementAndGet();
        perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
}
