package org.securemail.delivery.smtp;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import org.jboss.logging.Logger;
import org.securemail.delivery.config.DeliveryConfig;
import org.securemail.delivery.loops.EventLoops;

/**
 * The SMTP client to next hops on Vert.x {@link NetClient}: non-blocking, EHLO with HELO fallback, PIPELINING
 * when offered, per-recipient replies, SIZE and 8BITMIME, opportunistic or required STARTTLS, Postfix-like
 * timeouts and a per-address connection cache. This class walks the next-hop addresses in order (the next one
 * after a {@link HopFailure}, the same one again in plain text after a failed opportunistic handshake or on a
 * fresh session when a cached one was found closed); a session comes from the {@link ConnectionPool} or the
 * {@link SessionOpener}, and the {@link TransactionDialogue} runs the transaction on it.
 */
public final class VertxSmtpTransport implements SmtpTransport, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VertxSmtpTransport.class);

    private final Vertx vertx;
    /** The event loops the conversations run on; a destination always gets the same one (ADR 0070). */
    private final EventLoops loops;
    private final DeliveryConfig.Smtp config;
    private final SessionOpener opener;
    private final ConnectionPool pool;
    private final TransactionDialogue dialogue;

    public VertxSmtpTransport(Vertx vertx, DeliveryConfig.Smtp config, String heloName) {
        this.vertx = vertx;
        this.loops = new EventLoops(vertx);
        this.config = config;
        this.opener = new SessionOpener(vertx, config, heloName);
        this.pool = new ConnectionPool(vertx, config);
        this.dialogue = new TransactionDialogue(config, pool);
    }

    /**
     * The host name from the environment or {@code /etc/hostname}; never a DNS lookup (a reverse lookup through the
     * system resolver could hang at start exactly when DNS is down).
     */
    public static String defaultHeloName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String file = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).trim();
            return file.isEmpty() ? "localhost" : file;
        } catch (java.io.IOException | RuntimeException e) {
            return "localhost";
        }
    }

    @Override
    public Uni<SessionResult> deliver(List<NextHopAddress> hops, Transaction transaction) {
        return Uni.createFrom().completionStage(() -> {
            // run the whole conversation on an event loop: a socket's handlers are then set in the same task
            // that completes its connect, before the first bytes (the greeting) can be read. Each delivery takes
            // the event loop of its destination, never the caller's: the caller is often a Kafka consumer's context
            // (the DNS reply consumer's, the mail consumer's), and conversations started from it would all share
            // its one thread with that consumer.
            io.vertx.core.Promise<SessionResult> done = io.vertx.core.Promise.promise();
            loopFor(hops).runOnContext(v -> attempt(hops, 0, transaction, new ArrayList<>(), null, false, true)
                    .onComplete(done));
            return done.future().toCompletionStage();
        });
    }

    /**
     * The event loop of a delivery: chosen by its first next hop, so that the sessions of a destination are made,
     * reused and closed on one thread (no hop between threads for a cached session), while destinations spread over
     * all loops.
     */
    private io.vertx.core.Context loopFor(List<NextHopAddress> hops) {
        return loops.forKey(hops.isEmpty() ? null : ConnectionPool.key(hops.get(0)));
    }

    private Future<SessionResult> attempt(List<NextHopAddress> hops, int index, Transaction tx, List<String> tried,
            String lastError, boolean anyConnected, boolean allowReuse) {
        if (index >= hops.size() || index >= config.maxAddresses()) {
            String reason = lastError == null ? "451 4.4.4 no next-hop address to try" : lastError;
            return Future.succeededFuture(SessionResult.all(tx.recipients(), AttemptResult.temporary(reason, null),
                    anyConnected, tried));
        }
        NextHopAddress hop = hops.get(index);
        if (allowReuse) {
            tried.add(hop.display());
        }
        return session(hop, allowReuse).transform(session -> {
            if (session.failed()) {
                HopFailure failure = session.cause() instanceof HopFailure f ? f
                        : new HopFailure("451 4.4.2 " + hop.display() + ": " + session.cause().getMessage(), false);
                LOG.debugf("next hop %s failed: %s", hop.display(), failure.getMessage());
                if (failure.permanent) {
                    return Future.succeededFuture(SessionResult.all(tx.recipients(),
                            AttemptResult.permanent(failure.getMessage(), hop.display()), true, tried));
                }
                if (failure.retrySameHop && allowReuse) {
                    return attempt(hops, index, tx, tried, failure.getMessage(), true, false);
                }
                return attempt(hops, index + 1, tx, tried, failure.getMessage(), anyConnected || failure.connected,
                        true);
            }
            SmtpConnection connection = session.result();
            boolean reused = connection.transactions > 0;
            return dialogue.run(connection, tx).compose(outcome -> {
                if (outcome.lostBeforeMail() && reused) {
                    // the cached connection had been closed by the server: try once more on a fresh one
                    return attempt(hops, index, tx, tried, lastError, anyConnected, false);
                }
                return Future.succeededFuture(new SessionResult(outcome.results(), true, tried));
            });
        });
    }

    /** A session ready for MAIL FROM: a cached one, or a new one after greeting, EHLO and STARTTLS. */
    private Future<SmtpConnection> session(NextHopAddress hop, boolean allowReuse) {
        String key = ConnectionPool.key(hop);
        if (allowReuse) {
            SmtpConnection cached = pool.take(key);
            if (cached != null) {
                if (cached.context == Vertx.currentContext()) {
                    return Future.succeededFuture(cached);
                }
                // continue on the session's own event loop, where its socket's handlers run
                io.vertx.core.Promise<SmtpConnection> moved = io.vertx.core.Promise.promise();
                cached.context.runOnContext(v -> moved.complete(cached));
                return moved.future();
            }
        }
        return opener.open(hop, key);
    }

    /** Connections currently cached for reuse (for metrics and tests). */
    public int idleConnections() {
        return pool.size();
    }

    @Override
    public void close() {
        pool.close();
        opener.close();
    }
}
