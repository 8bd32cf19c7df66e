package org.securemail.dns.listener;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.resolve.LookupService;

/**
 * Starts the {@link DnsListener} with the application when {@code dns.listener.enabled}. A port that cannot be bound
 * is logged and shown as {@code dns_listener_up 0}: the listener is a side door, the Kafka interface must not go down
 * with it.
 */
@Startup
@ApplicationScoped
public class ListenerStartup {

    private static final Logger LOG = Logger.getLogger(ListenerStartup.class);

    private final DnsListener listener;
    private volatile boolean up;

    ListenerStartup(DnsConfig config, LookupService lookups, MeterRegistry registry, Vertx vertx) {
        Gauge.builder("dns.listener.up", this, s -> s.up ? 1 : 0)
                .description("1 while the DNS listener is bound").register(registry);
        DnsConfig.Listener settings = config.listener();
        listener = settings.enabled() ? start(settings, lookups, registry, vertx) : null;
        up = listener != null;
    }

    private static DnsListener start(DnsConfig.Listener settings, LookupService lookups, MeterRegistry registry,
            Vertx vertx) {
        DnsListener listener = null;
        try {
            listener = new DnsListener(settings, lookups, registry, vertx.nettyEventLoopGroup());
            listener.start();
            LOG.infof("DNS listener on %s port %d (UDP and TCP)", settings.host(), listener.port());
            return listener;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException failed) { // a bad ACL entry, a port taken
            LOG.errorf("DNS listener not started on %s port %d: %s", settings.host(), settings.port(),
                    failed.getCause() == null ? failed.toString() : failed.getCause().toString());
        }
        return null;
    }

    /** The bound port, or -1 when the listener is off or not bound. */
    public int port() {
        return up ? listener.port() : -1;
    }

    @PreDestroy
    void stop() {
        up = false;
        if (listener != null) {
            listener.close();
        }
    }
}
