package org.securemail.provisioning.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.common.net.Cidr;
import org.securemail.common.net.NetworkPolicy;
import org.securemail.dns.client.DnsResolver;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.network.RemoteHosts;
import org.securemail.provisioning.webhook.SendResult.Kind;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Sends webhooks with the Vert.x HTTP client, on the event loop. The host is looked up through the DNS service (never
 * a resolver of our own), every address it resolves to is checked against the next hops' rule (ADR 0059) and the
 * request goes to the address that was checked, so an answer that changes between the check and the connection (DNS
 * rebinding) cannot send it elsewhere; TLS still verifies the certificate against the host name (SNI included).
 * Connect and total timeouts; no redirect is followed; the response body is never read (the connection is closed once
 * the status line and headers, bounded by the client's limits, have arrived).
 */
@ApplicationScoped
public class VertxWebhookSender implements WebhookSender {

    /** Bounds of what an endpoint sends back before the body (which is not read). */
    static final int MAX_INITIAL_LINE = 1024;
    static final int MAX_HEADER_SIZE = 8192;

    @Inject
    Vertx vertx;

    @Inject
    DnsResolver dns;

    @Inject
    ProvisioningConfig config;

    private HttpClient client;
    private NetworkPolicy policy;

    @PostConstruct
    void init() {
        ProvisioningConfig.Webhooks settings = config.webhooks();
        policy = settings.network().policy();
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setKeepAlive(false)
                .setVerifyHost(true)
                .setForceSni(true)
                .setTryUseCompression(false)
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxRedirects(0);
        settings.trustCertificates().filter(list -> !list.isEmpty()).ifPresent(paths -> {
            PemTrustOptions trust = new PemTrustOptions();
            paths.forEach(trust::addCertPath);
            options.setTrustOptions(trust);
        });
        client = vertx.createHttpClient(options);
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    public Uni<SendResult> send(URI url, Map<String, String> headers, String body) {
        ProvisioningConfig.Webhooks settings = config.webhooks();
        String scheme = url.getScheme() == null ? "" : url.getScheme();
        if (!scheme.equals("https") && !(scheme.equals("http") && settings.allowHttp())) {
            return Uni.createFrom().item(SendResult.failed(Kind.REFUSED, "only https URLs are sent to"));
        }
        String host = url.getHost() == null ? "" : url.getHost().replace("[", "").replace("]", "");
        int port = url.getPort() < 0 ? WebhookUrls.defaultPort(scheme) : url.getPort();
        if (host.isEmpty() || !policy.allowsPort(port)) {
            return Uni.createFrom().item(SendResult.failed(Kind.REFUSED, "port " + port + " is not one webhooks are sent to"));
        }
        AtomicReference<HttpClientRequest> pending = new AtomicReference<>();
        return addresses(host, settings.dnsDeadline())
                .chain(found -> {
                    if (found.failure() != null) {
                        return Uni.createFrom().item(found.failure());
                    }
                    InetAddress target = found.addresses().stream().filter(policy::allows).findFirst().orElse(null);
                    if (target == null) {
                        return Uni.createFrom().item(SendResult.failed(Kind.REFUSED, host + " resolves only to addresses"
                                + " this service does not connect to (loopback, private, link-local...): "
                                + found.addresses().stream().map(InetAddress::getHostAddress).toList()));
                    }
                    return post(url, host, port, target, scheme.equals("https"), headers, body, pending);
                })
                .ifNoItem().after(settings.timeout()).recoverWithItem(() -> {
                    HttpClientRequest request = pending.get();
                    if (request != null) {
                        request.reset();
                    }
                    return SendResult.failed(Kind.TIMEOUT, "no answer within " + settings.timeout());
                });
    }

    private Uni<SendResult> post(URI url, String host, int port, InetAddress target, boolean tls,
            Map<String, String> headers, String body, AtomicReference<HttpClientRequest> pending) {
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, target.getHostAddress()))
                .setHost(host).setPort(port).setURI(path).setSsl(tls).setFollowRedirects(false)
                // a backstop only: the attempt's own timeout (send) ends it first and resets the request
                .setIdleTimeout(config.webhooks().timeout().plusSeconds(5).toMillis());
        headers.forEach(options::putHeader);
        return Uni.createFrom().completionStage(() -> client.request(options)
                        .compose(request -> {
                            pending.set(request);
                            return request.send(Buffer.buffer(body));
                        })
                        .map(response -> {
                            int status = response.statusCode();
                            // the body is never read: the connection is closed under it (expected, not an error)
                            response.exceptionHandler(ignored -> {
                            });
                            response.request().connection().close();
                            return status;
                        }).toCompletionStage())
                .map(status -> status / 100 == 2 ? SendResult.sent(status)
                        : SendResult.failed(Kind.HTTP_STATUS, "HTTP " + status + (status / 100 == 3
                                ? " (redirects are not followed)" : "")))
                .onFailure().recoverWithItem(e -> SendResult.failed(Kind.CONNECTION,
                        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    }

    /** The addresses of {@code host}: itself when it is an IP literal, else its A and AAAA records through the DNS service. */
    private Uni<Found> addresses(String host, java.time.Duration deadline) {
        if (RemoteHosts.isIpLiteral(host)) {
            byte[] literal = Cidr.literal(host);
            return Uni.createFrom().item(literal == null
                    ? new Found(List.of(), SendResult.failed(Kind.REFUSED, host + " is not an IP address"))
                    : new Found(List.of(address(literal)), null));
        }
        return Uni.combine().all().unis(dns.resolve(host, DnsType.A, deadline), dns.resolve(host, DnsType.AAAA, deadline))
                .with((a, aaaa) -> {
                    List<InetAddress> out = new ArrayList<>();
                    collect(a, out);
                    collect(aaaa, out);
                    if (out.isEmpty()) {
                        return new Found(out, SendResult.failed(Kind.CONNECTION, host + " has no address (DNS: "
                                + a.status() + ")"));
                    }
                    return new Found(out, null);
                });
    }

    private static void collect(DnsAnswer answer, List<InetAddress> out) {
        if (!answer.status().usable()) {
            return;
        }
        for (DnsRecordData r : answer.records()) {
            if (r.type() == DnsType.A || r.type() == DnsType.AAAA) {
                byte[] bytes = Cidr.literal(r.data());
                if (bytes != null) {
                    out.add(address(bytes));
                }
            }
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address", e);
        }
    }

    private record Found(List<InetAddress> addresses, SendResult failure) {
    }
}
