package org.securemail.dns.listener;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.resolve.LookupService;

/**
 * A DNS server on one UDP and one TCP socket (the same port) that answers through {@link LookupService}: components
 * that speak only DNS get what the mail services get (docs/adr/0068). Plain class: tests build it on their own event
 * loop group; {@link ListenerStartup} builds it on Vert.x's.
 */
public final class DnsListener implements AutoCloseable {

    /** Attempts to find a port free for both UDP and TCP when the configured port is 0. */
    private static final int FREE_PORT_ATTEMPTS = 20;

    private final DnsConfig.Listener config;
    private final EventLoopGroup group;
    private final ListenerMetrics metrics;
    private final QueryAnswerer answerer;
    private final RateLimiter limiter;
    private final AtomicInteger connections = new AtomicInteger();
    private Channel udp;
    private Channel tcp;

    /** @param group NIO event loops (the channels are NIO) */
    public DnsListener(DnsConfig.Listener config, LookupService lookups, MeterRegistry registry, EventLoopGroup group) {
        this.config = config;
        this.group = group;
        this.metrics = new ListenerMetrics(registry);
        this.answerer = new QueryAnswerer(lookups, Acl.of(config.allow(), config.podNetwork()), config.answerTimeout(),
                metrics);
        this.limiter = new RateLimiter(config.ratePerSecond(), config.rateBurst(), config.rateSlip(),
                config.rateSources(), System::nanoTime);
    }

    /**
     * Binds both sockets; throws (an {@link IllegalStateException} with the cause) when the port is taken, and then
     * holds no socket.
     */
    public synchronized DnsListener start() throws InterruptedException {
        int attempts = config.port() == 0 ? FREE_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                bind(config.port());
                return this;
            } catch (InterruptedException interrupted) {
                closeChannels();
                throw interrupted;
            } catch (Exception taken) { // Netty's sync() rethrows the checked BindException as it is
                closeChannels();
                if (attempt >= attempts) {
                    throw new IllegalStateException("cannot bind " + config.host() + " port " + config.port(), taken);
                }
            }
        }
    }

    private void bind(int port) throws InterruptedException {
        tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                new IdleStateHandler(config.tcpIdleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                                new LengthFieldBasedFrameDecoder(2 + 65535, 0, 2, 0, 0),
                                new TcpScreen(metrics),
                                new TcpDnsQueryDecoder(),
                                new TcpDnsResponseEncoder(),
                                new TcpHandler(answerer, metrics, connections, config.tcpMaxConnections(),
                                        config.tcpMaxQueries(), config.tcpMaxInFlight()));
                    }
                })
                .bind(config.host(), port).sync().channel();
        int bound = ((InetSocketAddress) tcp.localAddress()).getPort();
        UdpHandler handler = new UdpHandler(answerer, metrics);
        udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel channel) {
                        channel.pipeline().addLast(new UdpQueryDecoder(limiter, metrics),
                                new TruncatingResponseEncoder(metrics), handler);
                    }
                })
                .bind(config.host(), bound).sync().channel();
    }

    /** The bound port (UDP and TCP). */
    public int port() {
        return ((InetSocketAddress) tcp.localAddress()).getPort();
    }

    /** Open TCP connections. */
    public int connections() {
        return connections.get();
    }

    @Override
    public synchronized void close() {
        closeChannels();
    }

    private void closeChannels() {
        if (udp != null) {
            udp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            udp = null;
        }
        if (tcp != null) {
            tcp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            tcp = null;
        }
    }
}
