package org.securemail.ingest.smtp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.securemail.ingest.metrics.IngestMetrics;
import org.securemail.ingest.reply.Reply;

/**
 * The sessions open now, with their connection slots and gauges: who may connect, who is open, and the graceful
 * shutdown (once draining, new connections get 421 4.3.2).
 */
@Singleton
public class SessionRegistry {

    private static final Logger LOG = Logger.getLogger("org.securemail.ingest.smtp");

    private final ConnectionLimiter limiter;
    private final IngestMetrics metrics;

    private final Set<SmtpSession> open = ConcurrentHashMap.newKeySet();
    /** Completed when draining and the last session closed. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    public SessionRegistry(ConnectionLimiter limiter, IngestMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /** Takes a connection slot for a new client; null when admitted, else the 421 reply to send before closing. */
    Reply admit(String clientIp, Listener listener) {
        if (draining) {
            return Reply.SHUTTING_DOWN;
        }
        ConnectionLimiter.Refusal refused = limiter.acquire(clientIp, listener);
        if (refused == null) {
            return null;
        }
        metrics.rejected(listener.tag(), refused.reason());
        LOG.infof("NOQUEUE: reject: CONNECT from [%s] listener=%s: %s", clientIp, listener.tag(), refused.reply());
        return refused.reply();
    }

    void opened(SmtpSession session) {
        metrics.sessionOpened(session.state().listener().tag());
        open.add(session);
    }

    /** The connection closed: its slot is given back. */
    void closed(SmtpSession session) {
        limiter.release(session.state().clientIp(), session.state().listener());
        metrics.sessionClosed(session.state().listener().tag());
        open.remove(session);
        if (draining && open.isEmpty()) {
            drained.complete(null);
        }
    }

    int openCount() {
        return open.size();
    }

    /** Open sessions counted by {@link SmtpSession#describe()} (a diagnostic). */
    java.util.Map<String, Long> openByState() {
        return open.stream().collect(java.util.stream.Collectors.groupingBy(SmtpSession::describe,
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    /**
     * Stops taking sessions and asks every open one to close at its next safe point. Returns true when the last one
     * closed within {@code timeout}.
     */
    boolean drain(Duration timeout) {
        draining = true;
        if (open.isEmpty()) {
            drained.complete(null);
        }
        open.forEach(SmtpSession::shutdown);
        try {
            drained.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
