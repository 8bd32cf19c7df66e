package org.securemail.ingest.smtp;

import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import org.securemail.ingest.accept.AcceptService;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.metrics.IngestMetrics;
import org.securemail.ingest.relay.Authenticator;
import org.securemail.ingest.relay.RelayPolicy;

/**
 * What a session and its commands use, gathered once (a singleton: read directly, no client proxy). The open sessions
 * themselves are in the {@link SessionRegistry}.
 */
@Singleton
public class SessionDependencies {

    private final IngestConfig config;
    private final RelayPolicy relay;
    private final Authenticator authenticator;
    private final AcceptService accept;
    private final IngestMetrics metrics;
    private final Vertx vertx;
    private final MessageBudget budget;

    public SessionDependencies(IngestConfig config, RelayPolicy relay, Authenticator authenticator,
            AcceptService accept, IngestMetrics metrics, Vertx vertx, MessageBudget budget) {
        this.config = config;
        this.relay = relay;
        this.authenticator = authenticator;
        this.accept = accept;
        this.metrics = metrics;
        this.vertx = vertx;
        this.budget = budget;
    }

    public IngestConfig config() {
        return config;
    }

    public RelayPolicy relay() {
        return relay;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public AcceptService accept() {
        return accept;
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    public Vertx vertx() {
        return vertx;
    }

    public MessageBudget budget() {
        return budget;
    }
}
