package org.securemail.dns.upstream;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.upstream.UpstreamTransport;

/**
 * The configured upstreams with their health: which to ask, in which order, and the prober that suspends and
 * reinstates them. Failover happens within one resolution: the resolver walks {@link #candidates()} in order.
 */
public final class Upstreams {

    private static final Logger LOG = Logger.getLogger(Upstreams.class);

    private final List<UpstreamHealth> all;
    private final UpstreamTransport transport;
    private final DnsConfig.Health config;
    private final Duration queryTimeout;
    private final Clock clock;

    public Upstreams(List<UpstreamHealth> all, UpstreamTransport transport, DnsConfig.Health config,
            Duration queryTimeout, Clock clock) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("at least one upstream resolver is required (dns.upstreams)");
        }
        this.all = List.copyOf(all);
        this.transport = transport;
        this.config = config;
        this.queryTimeout = queryTimeout;
        this.clock = clock;
    }

    /** Parses {@code host:port} entries; {@code system} expands to the name servers of /etc/resolv.conf. */
    public static List<UpstreamHealth> parse(List<String> specs) {
        List<UpstreamHealth> result = new ArrayList<>();
        for (String spec : specs) {
            String trimmed = spec.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.equals("system")) {
                for (InetSocketAddress address : systemServers()) {
                    result.add(new UpstreamHealth(address.getHostString() + ":" + address.getPort(), address));
                }
                continue;
            }
            int colon = trimmed.lastIndexOf(':');
            String host = colon > 0 && !trimmed.endsWith("]") ? trimmed.substring(0, colon) : trimmed;
            int port = colon > 0 && !trimmed.endsWith("]") ? Integer.parseInt(trimmed.substring(colon + 1)) : 53;
            host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            result.add(new UpstreamHealth(trimmed, new InetSocketAddress(host, port)));
        }
        return result;
    }

    private static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> servers = new ArrayList<>();
        var stream = io.netty.resolver.dns.DnsServerAddressStreamProviders.platformDefault().nameServerAddressStream("");
        for (int i = 0; i < stream.size(); i++) {
            servers.add(stream.next());
        }
        return servers;
    }

    public List<UpstreamHealth> all() {
        return all;
    }

    /** Upstreams to try, best first: UP in configured order, then PROBING; SUSPENDED ones are left out. */
    public List<UpstreamHealth> candidates() {
        List<UpstreamHealth> up = new ArrayList<>();
        List<UpstreamHealth> probing = new ArrayList<>();
        for (UpstreamHealth upstream : all) {
            switch (upstream.state()) {
                case UP -> up.add(upstream);
                case PROBING -> probing.add(upstream);
                default -> {
                }
            }
        }
        up.addAll(probing);
        return up;
    }

    public void onTimeout(UpstreamHealth upstream) {
        if (upstream.onTimeout(config.suspendAfter())) {
            LOG.warnf("upstream %s: %d timeouts in a row, probing it", upstream.label(), upstream.consecutiveTimeouts());
            probeDue();
        }
    }

    /** Sends the probes that are due (called by a periodic timer and when an upstream starts PROBING). */
    public void probeDue() {
        long now = clock.millis();
        for (UpstreamHealth upstream : all) {
            if (!upstream.claimProbe(now)) {
                continue;
            }
            long sent = System.nanoTime();
            transport.query(upstream.address(), config.probeName(), DnsType.NS, queryTimeout)
                    .whenComplete((response, failure) -> {
                        if (failure == null) {
                            boolean wasSuspended = upstream.state() == UpstreamHealth.State.SUSPENDED;
                            upstream.onProbeAnswered(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
                            if (wasSuspended) {
                                LOG.infof("upstream %s answers again: reinstated", upstream.label());
                            }
                        } else {
                            boolean wasUp = upstream.state() != UpstreamHealth.State.SUSPENDED;
                            upstream.onProbeFailed(clock.millis(), config.probeInitial(), config.probeMax());
                            if (wasUp) {
                                LOG.warnf("upstream %s does not answer the probe: suspended", upstream.label());
                            }
                        }
                    });
        }
    }
}
