package org.securemail.dns.upstream;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** The last question an upstream answered (NOERROR or NXDOMAIN): a suspended upstream is asked it too. */
    private volatile Question lastAnswered;

    /** A question the probe asks. */
    record Question(String name, DnsType type) {
    }

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

    /** Notes a question that an upstream answered, for the probes of suspended upstreams. */
    public void answered(String name, DnsType type) {
        Question last = lastAnswered;
        if (last == null || !last.name().equals(name) || last.type() != type) {
            lastAnswered = new Question(name, type);
        }
    }

    /**
     * Sends the probes that are due (called by a periodic timer and when an upstream starts PROBING). A probe asks
     * the configured question and, for a suspended upstream, the last question an upstream answered: any response to
     * either proves the upstream alive, so a resolver that cannot answer the configured question (no root hints) is
     * still reinstated as soon as it answers real traffic.
     */
    public void probeDue() {
        long now = clock.millis();
        for (UpstreamHealth upstream : all) {
            if (!upstream.claimProbe(now)) {
                continue;
            }
            List<Question> questions = new ArrayList<>();
            questions.add(new Question(config.probeName(), config.probeType()));
            Question last = lastAnswered;
            if (upstream.state() == UpstreamHealth.State.SUSPENDED && last != null && !questions.contains(last)) {
                questions.add(last);
            }
            long sent = System.nanoTime();
            AtomicInteger silent = new AtomicInteger(questions.size());
            AtomicBoolean settled = new AtomicBoolean();
            for (Question question : questions) {
                transport.query(upstream.address(), question.name(), question.type(), queryTimeout)
                        .whenComplete((response, failure) -> {
                            if (failure == null && settled.compareAndSet(false, true)) {
                                boolean wasSuspended = upstream.state() == UpstreamHealth.State.SUSPENDED;
                                upstream.onProbeAnswered(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
                                if (wasSuspended) {
                                    LOG.infof("upstream %s answers again: reinstated", upstream.label());
                                }
                            } else if (failure != null && silent.decrementAndGet() == 0
                                    && settled.compareAndSet(false, true)) {
                                probeUnanswered(upstream);
                            }
                        });
            }
        }
    }

    private void probeUnanswered(UpstreamHealth upstream) {
        if (upstream.onProbeFailed(clock.millis(), config.probeInitial(), config.probeMax())) {
            LOG.warnf("upstream %s answers neither the probe (%s %s) nor any other query: suspended",
                    upstream.label(), config.probeName(), config.probeType());
        } else if (upstream.state() == UpstreamHealth.State.UP) {
            LOG.infof("upstream %s did not answer the probe (%s %s) but answered other queries: not suspended",
                    upstream.label(), config.probeName(), config.probeType());
        }
    }
}
