package org.securemail.ingest.smtp;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.reply.Reply;

/**
 * Connection limits (Postfix anvil-like, local to a replica): in total, per listener (so a flood on MX leaves
 * submission its slots, and the other way round) and per client IP. Clients in {@link TrustedNetworks} are exempt
 * from the per-IP limit alone.
 */
@ApplicationScoped
@Startup // created at start-up: a bad trusted-networks entry stops the service, not its first connection
public class ConnectionLimiter {

    private static final Logger LOG = Logger.getLogger("org.securemail.ingest.smtp");

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
    private final TrustedNetworks trusted;
    private final Map<Listener, Integer> maxPerListener = new EnumMap<>(Listener.class);
    private final AtomicInteger total = new AtomicInteger();
    private final Map<Listener, AtomicInteger> perListener = new EnumMap<>(Listener.class);
    private final ConcurrentHashMap<String, AtomicInteger> perIp = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException when {@code ingest.limits.trusted-networks} has a bad entry or too many */
    @Inject
    public ConnectionLimiter(IngestConfig config) {
        this(config.limits().maxConnections(), Map.of(Listener.MX, config.limits().mxMaxConnections(),
                Listener.SUBMISSION, config.limits().submissionMaxConnections()),
                config.limits().maxConnectionsPerIp(),
                TrustedNetworks.of(config.limits().trustedNetworks().orElse(List.of())));
        if (!trusted.isEmpty()) {
            LOG.infof("the limit of %d connections per address does not apply to %s (%s)", maxPerIp, trusted,
                    TrustedNetworks.KEY);
        }
    }

    public ConnectionLimiter(int maxTotal, Map<Listener, Integer> maxPerListener, int maxPerIp,
            TrustedNetworks trusted) {
        this.maxTotal = maxTotal;
        this.maxPerIp = maxPerIp;
        this.trusted = trusted;
        for (Listener l : Listener.values()) {
            this.maxPerListener.put(l, Objects.requireNonNull(maxPerListener.get(l), l.tag()));
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
        if (trusted.contains(ip)) {
            return null; // not counted per address, so release finds nothing to give back there
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
