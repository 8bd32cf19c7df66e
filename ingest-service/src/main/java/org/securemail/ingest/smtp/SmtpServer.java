package org.securemail.ingest.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.NetServerOptions;

import org.jboss.logging.Logger;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.reply.Reply;

/**
 * Starts the MX and submission listeners: one Vert.x {@code NetServer} per event loop instance, all sharing the
 * port, so connections are spread over the event loops and no thread is tied to a connection.
 */
@ApplicationScoped
public class SmtpServer {

    private static final Logger LOG = Logger.getLogger(SmtpServer.class);

    private final Vertx vertx;
    private final SessionDependencies dependencies;
    private final SessionRegistry sessions;
    private final IngestConfig config;
    private final List<String> deployments = new ArrayList<>();
    private final Map<Listener, Integer> ports = new EnumMap<>(Listener.class);

    public SmtpServer(Vertx vertx, SessionDependencies dependencies, SessionRegistry sessions, IngestConfig config) {
        this.vertx = vertx;
        this.dependencies = dependencies;
        this.sessions = sessions;
        this.config = config;
    }

    void start(@Observes StartupEvent ev) throws Exception {
        KeyCertOptions keyCert = config.tls().enabled() ? TlsMaterial.load(config) : null;
        int instances = config.instances() > 0 ? config.instances() : Runtime.getRuntime().availableProcessors();
        if (config.mx().enabled()) {
            listen(Listener.MX, config.mx(), keyCert, instances);
        }
        if (config.submission().enabled()) {
            listen(Listener.SUBMISSION, config.submission(), keyCert, instances);
        }
    }

    private void listen(Listener listener, IngestConfig.Listener cfg, KeyCertOptions keyCert, int instances)
            throws Exception {
        NetServerOptions options = new NetServerOptions()
                .setHost(cfg.host())
                .setPort(cfg.port())
                .setTcpNoDelay(true)
                // what a client that does not read its replies holds in kernel memory (SMTP replies are small)
                .setSendBufferSize(config.limits().socketSendBuffer())
                .setSsl(false); // plain until STARTTLS
        if (keyCert != null) {
            options.setKeyCertOptions(keyCert);
        }
        String id = vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createNetServer(options)
                        .connectHandler(socket -> connected(socket, listener))
                        .listen()
                        .onSuccess(server -> {
                            synchronized (ports) {
                                ports.put(listener, server.actualPort());
                            }
                            started.complete();
                        })
                        .onFailure(started::fail);
            }
        }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        deployments.add(id);
        LOG.infof("SMTP %s listener on %s:%d (%d event-loop instances)", listener.tag(), cfg.host(),
                port(listener), instances);
    }

    /**
     * Admits a connection and starts its session: {@code 421 4.3.2} while draining, {@code 421 4.7.0} beyond the
     * connection limits.
     */
    private void connected(NetSocket socket, Listener listener) {
        String clientIp = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
        Reply refused = sessions.admit(clientIp, listener);
        if (refused != null) {
            socket.write(refused.line()).onComplete(ar -> socket.close());
            return;
        }
        new SmtpSession(socket, dependencies, sessions, new SessionState(listener, clientIp)).start();
    }

    /** The bound port of a listener (useful when configured as 0). */
    public int port(Listener listener) {
        synchronized (ports) {
            return ports.getOrDefault(listener, -1);
        }
    }

    /**
     * Stops taking sessions: new connections and idle sessions get {@code 421 4.3.2}; a session waiting for the
     * broker gets its reply first. Returns true when every session closed within {@code timeout}.
     */
    public boolean drain(Duration timeout) {
        if (sessions.drain(timeout)) {
            return true;
        }
        LOG.warnf("%d SMTP sessions still open after %s", sessions.openCount(), timeout);
        return false;
    }

    void stop(@Observes ShutdownEvent ev) {
        drain(config.accept().deadline().plusSeconds(2));
        for (String id : deployments) {
            try {
                vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debugf("undeploy %s: %s", id, e.toString());
            }
        }
    }
}
