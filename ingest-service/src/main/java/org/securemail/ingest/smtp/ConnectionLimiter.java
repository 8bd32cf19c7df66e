package org.securemail.ingest.smtp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.reply.Reply;

/** Connection limits over both listeners: in total and per client IP (Postfix anvil-like, local to a replica). */
@ApplicationScoped
public class ConnectionLimiter {

    private final int maxTotal;
    private final int maxPerIp;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perIp = new ConcurrentHashMap<>();

    public ConnectionLimiter(IngestConfig config) {
        this.maxTotal = config.limits().maxConnections();
        this.maxPerIp = config.limits().maxConnectionsPerIp();
    }

    /** Takes a slot for {@code ip}; returns null when admitted, or the 421 reply to send before closing. */
    public Reply acquire(String ip) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Reply.TOO_MANY_CONNECTIONS;
        }
        AtomicInteger count = perIp.compute(ip, (k, v) -> {
            AtomicInteger c = v == null ? new AtomicInteger() : v;
            c.incrementAndGet();
            return c;
        });
        if (count.get() > maxPerIp) {
            release(ip);
            return Reply.TOO_MANY_CONNECTIONS_FROM_IP;
        }
        return null;
    }

    public void release(String ip) {
        total.decrementAndGet();
        perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
}
