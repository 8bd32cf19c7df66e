package org.securemail.delivery.smtp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import org.jboss.logging.Logger;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.delivery.config.DeliveryConfig;

/**
 * The SMTP client to next hops on Vert.x {@link NetClient}: non-blocking, EHLO with HELO fallback, PIPELINING
 * when offered, per-recipient replies, SIZE and 8BITMIME, opportunistic or required STARTTLS, Postfix-like
 * timeouts and a per-address connection cache.
 */
public final class VertxSmtpTransport implements SmtpTransport, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VertxSmtpTransport.class);

    private final Vertx vertx;
    private final DeliveryConfig.Smtp config;
    private final String heloName;
    private final NetClient opportunistic;
    private final NetClient verified;
    private final Map<String, ArrayDeque<SmtpConnection>> idle = new ConcurrentHashMap<>();
    /** Addresses whose STARTTLS handshake failed, until when (opportunistic TLS then goes plain). */
    private final Map<String, Long> tlsBrokenUntil = new ConcurrentHashMap<>();
    private static final Duration TLS_BROKEN_MEMORY = Duration.ofHours(1);
    private final long sweeper;

    public VertxSmtpTransport(Vertx vertx, DeliveryConfig.Smtp config, String heloName) {
        this.vertx = vertx;
        this.config = config;
        this.heloName = heloName;
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        this.opportunistic = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout(connectMillis)
                .setTrustAll(true)
                .setHostnameVerificationAlgorithm(""));
        NetClientOptions verifiedOptions = new NetClientOptions()
                .setConnectTimeout(connectMillis)
                .setHostnameVerificationAlgorithm("HTTPS");
        config.trustPem().ifPresent(path -> verifiedOptions.setPemTrustOptions(new PemTrustOptions().addCertPath(path)));
        this.verified = vertx.createNetClient(verifiedOptions);
        this.sweeper = vertx.setPeriodic(1000, id -> sweepIdle());
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
            // that completes its connect, before the first bytes (the greeting) can be read
            io.vertx.core.Promise<SessionResult> done = io.vertx.core.Promise.promise();
            vertx.getOrCreateContext().runOnContext(v -> attempt(hops, 0, transaction, new ArrayList<>(), null, false,
                    true).onComplete(done));
            return done.future().toCompletionStage();
        });
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
                if (failure.retrySameHop && allowReuse) {
                    return attempt(hops, index, tx, tried, failure.getMessage(), true, false);
                }
                return attempt(hops, index + 1, tx, tried, failure.getMessage(), anyConnected || failure.connected,
                        true);
            }
            SmtpConnection connection = session.result();
            boolean reused = connection.transactions > 0;
            return transaction(connection, tx).compose(outcome -> {
                if (outcome.lostBeforeMail && reused) {
                    // the cached connection had been closed by the server: try once more on a fresh one
                    return attempt(hops, index, tx, tried, lastError, anyConnected, false);
                }
                return Future.succeededFuture(new SessionResult(outcome.results, true, tried));
            });
        });
    }

    /** A session ready for MAIL FROM: a cached one, or a new one after greeting, EHLO and STARTTLS. */
    private Future<SmtpConnection> session(NextHopAddress hop, boolean allowReuse) {
        String key = poolKey(hop);
        if (allowReuse) {
            SmtpConnection cached = takeIdle(key);
            if (cached != null) {
                return Future.succeededFuture(cached);
            }
        }
        NetClient client = hop.tls() == TlsPolicy.REQUIRED ? verified : opportunistic;
        return client.connect(SocketAddress.inetSocketAddress(hop.port(), hop.ip()), hop.hostName())
                .recover(t -> Future.failedFuture(new HopFailure(
                        "451 4.4.1 connect to " + hop.display() + ": " + describe(t), false)))
                .compose(socket -> {
                    SmtpConnection c = new SmtpConnection(vertx, socket, hop, key);
                    return c.read("receiving the initial server greeting", config.greetingTimeout())
                            .recover(t -> Future.failedFuture(new HopFailure("451 4.4.2 " + t.getMessage(), false)))
                            .compose(greeting -> {
                                if (!greeting.positive()) {
                                    c.quit(config.commandTimeout());
                                    return Future.failedFuture(new HopFailure(hostSaid(hop, greeting, "greeting"), true));
                                }
                                return hello(c).compose(v -> startTls(c)).map(c);
                            })
                            .onFailure(t -> c.fail("session setup failed"));
                });
    }

    private Future<Void> hello(SmtpConnection c) {
        return c.command("EHLO " + heloName, "sending EHLO", config.greetingTimeout())
                .recover(t -> Future.failedFuture(new HopFailure("451 4.4.2 " + t.getMessage(), true)))
                .compose(ehlo -> {
                    if (ehlo.positive()) {
                        c.esmtp = true;
                        c.parseEhlo(ehlo);
                        return Future.succeededFuture();
                    }
                    if (ehlo.code() == 421) {
                        return Future.failedFuture(new HopFailure(hostSaid(c.hop, ehlo, "EHLO"), true));
                    }
                    c.esmtp = false;
                    c.extensions.clear();
                    return c.command("HELO " + heloName, "sending HELO", config.greetingTimeout())
                            .recover(t -> Future.failedFuture(new HopFailure("451 4.4.2 " + t.getMessage(), true)))
                            .compose(helo -> helo.positive() ? Future.<Void>succeededFuture()
                                    : Future.failedFuture(new HopFailure(hostSaid(c.hop, helo, "HELO"), true)));
                });
    }

    private Future<Void> startTls(SmtpConnection c) {
        TlsPolicy policy = c.hop.tls() == null ? TlsPolicy.OPPORTUNISTIC : c.hop.tls();
        if (policy == TlsPolicy.NONE || c.tls) {
            return Future.succeededFuture();
        }
        if (policy == TlsPolicy.OPPORTUNISTIC && tlsBroken(c.key)) {
            // RFC 7435: this address failed the handshake recently; plain text beats no delivery
            return Future.succeededFuture();
        }
        if (!c.offers("STARTTLS")) {
            return policy == TlsPolicy.REQUIRED
                    ? Future.failedFuture(new HopFailure(
                            "451 4.7.5 TLS is required, but was not offered by host " + c.hop.display(), true))
                    : Future.succeededFuture();
        }
        return c.command("STARTTLS", "sending STARTTLS", config.commandTimeout())
                .recover(t -> Future.failedFuture(new HopFailure("451 4.4.2 " + t.getMessage(), true)))
                .compose(reply -> {
                    if (reply.code() != 220) {
                        return policy == TlsPolicy.REQUIRED
                                ? Future.failedFuture(new HopFailure(hostSaid(c.hop, reply, "STARTTLS"), true))
                                : Future.succeededFuture();
                    }
                    return c.upgradeToTls(c.hop.hostName())
                            .recover(t -> {
                                if (policy == TlsPolicy.OPPORTUNISTIC) {
                                    tlsBrokenUntil.put(c.key, System.nanoTime() + TLS_BROKEN_MEMORY.toNanos());
                                }
                                return Future.failedFuture(new HopFailure("451 4.7.5 TLS handshake with "
                                        + c.hop.display() + " failed: " + describe(t), true, policy == TlsPolicy.OPPORTUNISTIC));
                            })
                            .compose(v -> hello(c));
                });
    }

    private record TransactionOutcome(Map<String, AttemptResult> results, boolean lostBeforeMail) {
    }

    /** One transaction on a ready session. Never fails: problems become per-recipient temporary results. */
    private Future<TransactionOutcome> transaction(SmtpConnection c, Transaction tx) {
        String remote = c.hop.display();
        Map<String, AttemptResult> results = new LinkedHashMap<>();
        MessageContent content = tx.content();
        if (c.maxSize > 0 && content.size() > c.maxSize) {
            AttemptResult tooBig = AttemptResult.permanent("552 5.3.4 message size " + content.size()
                    + " exceeds the fixed limit " + c.maxSize + " of " + remote, remote);
            tx.recipients().forEach(r -> results.put(r, tooBig));
            release(c);
            return Future.succeededFuture(new TransactionOutcome(results, false));
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(tx.sender()).append('>');
        if (c.offers("SIZE")) {
            mail.append(" SIZE=").append(content.size());
        }
        if (content.eightBit() && c.offers("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        boolean pipelining = c.offers("PIPELINING");
        Duration cmd = config.commandTimeout();
        if (pipelining) {
            StringBuilder batch = new StringBuilder(mail).append("\r\n");
            tx.recipients().forEach(r -> batch.append("RCPT TO:<").append(r).append(">\r\n"));
            batch.append("DATA");
            c.write(batch.toString());
        }
        boolean[] mailAnswered = {false};
        java.util.Set<String> acceptedAtRcpt = new java.util.LinkedHashSet<>();
        Future<SmtpReply> mailReply = pipelining ? c.read("sending MAIL FROM", cmd)
                : c.command(mail.toString(), "sending MAIL FROM", cmd);
        Future<Void> flow = mailReply.compose(mr -> {
            mailAnswered[0] = true;
            if (!mr.positive() && !pipelining) {
                tx.recipients().forEach(r -> results.put(r, AttemptResult.of(mr, remote)));
                return Future.succeededFuture(mr);
            }
            Future<SmtpReply> chain = Future.succeededFuture(mr);
            for (String rcpt : tx.recipients()) {
                chain = chain.compose(prev -> (pipelining ? c.read("sending RCPT TO", cmd)
                        : c.command("RCPT TO:<" + rcpt + ">", "sending RCPT TO", cmd)).map(reply -> {
                            if (mr.positive() && reply.positive()) {
                                acceptedAtRcpt.add(rcpt);
                            } else {
                                results.put(rcpt, AttemptResult.of(mr.positive() ? reply : mr, remote));
                            }
                            return reply;
                        }));
            }
            return chain.compose(last -> {
                List<String> accepted = List.copyOf(acceptedAtRcpt);
                Future<SmtpReply> dataReply;
                if (pipelining) {
                    dataReply = c.read("sending DATA", config.dataInitTimeout());
                } else if (accepted.isEmpty()) {
                    return Future.succeededFuture(last);
                } else {
                    dataReply = c.command("DATA", "sending DATA", config.dataInitTimeout());
                }
                return dataReply.compose(dr -> {
                    if (accepted.isEmpty()) {
                        if (!dr.intermediate()) {
                            return Future.succeededFuture(dr);
                        }
                        c.writeRaw(new byte[] {'.', '\r', '\n'});
                        return c.read("ending an empty DATA", config.dataDoneTimeout());
                    }
                    if (!dr.intermediate()) {
                        accepted.forEach(r -> results.put(r, AttemptResult.of(dr, remote)));
                        return Future.succeededFuture(dr);
                    }
                    c.writeRaw(content.wire());
                    return c.read("sending end of data -- message may be sent more than once",
                            config.dataDoneTimeout()).map(end -> {
                                accepted.forEach(r -> results.put(r, AttemptResult.of(end, remote)));
                                return end;
                            });
                });
            });
        }).compose(last -> {
            if (last.code() == 421 || !c.open()) {
                c.fail("server closed the session");
                return Future.succeededFuture();
            }
            boolean clean = tx.recipients().stream()
                    .allMatch(r -> results.containsKey(r) && results.get(r).kind() == AttemptResult.Kind.SUCCESS);
            if (clean) {
                release(c);
                return Future.succeededFuture();
            }
            return c.command("RSET", "sending RSET", cmd).map(rset -> {
                if (rset.positive()) {
                    release(c);
                } else {
                    c.fail("RSET refused");
                }
                return (Void) null;
            }).recover(t -> Future.succeededFuture());
        });
        return flow.transform(ar -> {
            if (ar.failed()) {
                c.fail("transaction failed");
                String reason = "451 4.4.2 " + ar.cause().getMessage();
                // a recipient accepted at RCPT but without a final DATA reply is not delivered: retry it
                tx.recipients().forEach(r -> results.putIfAbsent(r, AttemptResult.temporary(reason, remote)));
                return Future.succeededFuture(new TransactionOutcome(results, !mailAnswered[0]));
            }
            tx.recipients().forEach(r -> results.putIfAbsent(r,
                    AttemptResult.temporary("451 4.4.2 no final reply from " + remote, remote)));
            return Future.succeededFuture(new TransactionOutcome(results, false));
        });
    }

    private boolean tlsBroken(String key) {
        Long until = tlsBrokenUntil.get(key);
        if (until == null) {
            return false;
        }
        if (System.nanoTime() - until > 0) {
            tlsBrokenUntil.remove(key, until);
            return false;
        }
        return true;
    }

    private static String hostSaid(NextHopAddress hop, SmtpReply reply, String stage) {
        String status = reply.enhancedStatus();
        String prefix = reply.code() >= 500 ? "550 " + (status == null ? "5.0.0" : status)
                : "451 " + (status == null ? "4.0.0" : status);
        return prefix + " host " + hop.display() + " said: " + reply.text() + " (in reply to " + stage + ")";
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }

    private static String poolKey(NextHopAddress hop) {
        return hop.tls() + "|" + hop.hostName() + "|" + hop.ip() + ":" + hop.port();
    }

    private SmtpConnection takeIdle(String key) {
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

    private void release(SmtpConnection c) {
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

    /** Connections currently cached for reuse (for metrics and tests). */
    public int idleConnections() {
        return idle.values().stream().mapToInt(d -> {
            synchronized (d) {
                return d.size();
            }
        }).sum();
    }

    @Override
    public void close() {
        vertx.cancelTimer(sweeper);
        idle.values().forEach(d -> {
            synchronized (d) {
                d.forEach(c -> c.fail("shutting down"));
                d.clear();
            }
        });
        opportunistic.close();
        verified.close();
    }

    /** Failure to get a usable session on one address; the next address is tried. */
    static final class HopFailure extends SmtpException {
        final boolean connected;
        /** Worth one more try on the same address right away (opportunistic TLS failed: retry in plain text). */
        final boolean retrySameHop;

        HopFailure(String message, boolean connected) {
            this(message, connected, false);
        }

        HopFailure(String message, boolean connected, boolean retrySameHop) {
            super(message);
            this.connected = connected;
            this.retrySameHop = retrySameHop;
        }
    }
}
