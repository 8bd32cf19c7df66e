package org.securemail.ingest.smtp;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import org.securemail.ingest.accept.AcceptService;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.metrics.IngestMetrics;
import org.securemail.ingest.relay.Authenticator;
import org.securemail.ingest.relay.RelayPolicy;

/** What every {@link SmtpSession} needs, gathered once (a singleton: sessions read its fields directly, no proxy). */
@Singleton
public class SessionServices {

    final IngestConfig config;
    final RelayPolicy relay;
    final Authenticator authenticator;
    final AcceptService accept;
    final IngestMetrics metrics;
    final ConnectionLimiter limiter;
    final Vertx vertx;
    final MessageBudget budget;
    /** Sessions open now, for a graceful shutdown. */
    final Set<SmtpSession> open = ConcurrentHashMap.newKeySet();
    /** Completed when draining and the last session closed. */
    final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Set at shutdown: new connections get 421 4.3.2, open ones are closed at their next safe point. */
    volatile boolean draining;

    public SessionServices(IngestConfig config, RelayPolicy relay, Authenticator authenticator, AcceptService accept,
            IngestMetrics metrics, ConnectionLimiter limiter, Vertx vertx, MessageBudget budget) {
        this.config = config;
        this.relay = relay;
        this.authenticator = authenticator;
        this.accept = accept;
        this.metrics = metrics;
        this.limiter = limiter;
        this.vertx = vertx;
        this.budget = budget;
    }
}
