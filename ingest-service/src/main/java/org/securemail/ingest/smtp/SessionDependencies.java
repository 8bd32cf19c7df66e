package org.securemail.ingest.smtp;

import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import org.securemail.common.observe.MessageTracing;
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
public record SessionDependencies(IngestConfig config, RelayPolicy relay, Authenticator authenticator,
        AcceptService accept, IngestMetrics metrics, Vertx vertx, MessageBudget budget, MessageCheck check,
        MessageTracing tracing) {
}
