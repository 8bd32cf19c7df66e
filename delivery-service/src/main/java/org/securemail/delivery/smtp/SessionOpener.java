package org.securemail.delivery.smtp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.delivery.config.DeliveryConfig;

/**
 * Opens a new session on one address, ready for MAIL FROM: connect, greeting, EHLO (HELO when EHLO is refused) and
 * STARTTLS by the hop's {@link TlsPolicy}. Opportunistic TLS uses a trust-all client and, after a failed handshake,
 * lets the caller retry in plain text and remembers the address as TLS-broken for an hour (RFC 7435); required TLS
 * verifies the certificate against the host name. Every failure is a {@link HopFailure}.
 */
final class SessionOpener {

    private static final Duration TLS_BROKEN_MEMORY = Duration.ofHours(1);

    private final Vertx vertx;
    private final DeliveryConfig.Smtp config;
    private final String heloName;
    private final NetClient opportunistic;
    private final NetClient verified;
    /** Addresses whose STARTTLS handshake failed, until when (opportunistic TLS then goes plain). */
    private final Map<String, Long> tlsBrokenUntil = new ConcurrentHashMap<>();

    SessionOpener(Vertx vertx, DeliveryConfig.Smtp config, String heloName) {
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
    }

    /** A new session on {@code hop} after greeting, EHLO and STARTTLS; {@code key} is its connection pool key. */
    Future<SmtpConnection> open(NextHopAddress hop, String key) {
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
                        return notOurselves(c, ehlo);
                    }
                    if (ehlo.code() == 421) {
                        return Future.failedFuture(new HopFailure(hostSaid(c.hop, ehlo, "EHLO"), true));
                    }
                    c.esmtp = false;
                    c.extensions.clear();
                    return c.command("HELO " + heloName, "sending HELO", config.greetingTimeout())
                            .recover(t -> Future.failedFuture(new HopFailure("451 4.4.2 " + t.getMessage(), true)))
                            .compose(helo -> helo.positive() ? notOurselves(c, helo)
                                    : Future.failedFuture(new HopFailure(hostSaid(c.hop, helo, "HELO"), true)));
                });
    }

    /** Postfix's loop check: a next hop that names itself as this suite in its EHLO/HELO reply is this suite. */
    private Future<Void> notOurselves(SmtpConnection c, SmtpReply hello) {
        String name = hello.lines().isEmpty() ? "" : hello.lines().get(0).trim().split("\\s+", 2)[0];
        boolean loop = config.ownNames().stream().anyMatch(own -> own.equalsIgnoreCase(name));
        if (!loop) {
            return Future.succeededFuture();
        }
        c.quit(config.commandTimeout());
        return Future.failedFuture(HopFailure.permanent(
                "554 5.4.6 mail for " + c.hop.display() + " loops back to myself"));
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

    void close() {
        opportunistic.close();
        verified.close();
    }
}
