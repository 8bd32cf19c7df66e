package org.securemail.ingest.smtp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

/** The sessions open now, for a graceful shutdown: once draining, new connections get 421 4.3.2. */
@Singleton
public class SessionRegistry {

    private final Set<SmtpSession> open = ConcurrentHashMap.newKeySet();
    /** Completed when draining and the last session closed. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    boolean draining() {
        return draining;
    }

    void opened(SmtpSession session) {
        open.add(session);
    }

    void closed(SmtpSession session) {
        open.remove(session);
        if (draining && open.isEmpty()) {
            drained.complete(null);
        }
    }

    int openCount() {
        return open.size();
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
