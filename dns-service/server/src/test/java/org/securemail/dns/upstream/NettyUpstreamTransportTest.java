package org.securemail.dns.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.testing.dns.TestDnsServer.Mode;

/** The Netty adapter against the real (test) DNS server over UDP and TCP. */
class NettyUpstreamTransportTest implements UpstreamTransportContract {

    private NioEventLoopGroup group;
    private NettyUpstreamTransport transport;
    private TestDnsServer server;

    @BeforeEach
    void start() {
        group = new NioEventLoopGroup(1);
        transport = new NettyUpstreamTransport(group.next(), Duration.ofSeconds(2));
        server = TestDnsServer.start();
    }

    @AfterEach
    void stop() {
        transport.close();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        server.close();
    }

    @Override
    public UpstreamTransport transport() {
        return transport;
    }

    @Override
    public InetSocketAddress upstream() {
        return server.address();
    }

    @Override
    public void zone(String zone, Mode mode) {
        server.zone(zone).mode(mode);
    }

    @Override
    public void record(String name, DnsType type, long ttl, String... data) {
        server.zone(org.securemail.dns.client.Zones.zoneOf(name)).ttl(ttl);
        server.record(name, type.name(), data);
    }

    @Test
    void truncatedUdpAnswerIsRetriedOverTcp() {
        server.zone("big.test").truncate(true);
        server.record("big.test", "TXT", "\"" + "x".repeat(200) + "\"");

        UpstreamResponse response = ask("big.test", DnsType.TXT);

        assertThat(response.answers()).extracting(DnsRecordData::data).containsExactly("x".repeat(200));
        assertThat(server.tcpQueries()).isPositive();
    }

    /**
     * Issue 12 (RFC 5452 §9.2): queries do not all leave from one source port, so a spoofer must guess the port as
     * well as the 16-bit id. Queries held open together each have their own socket.
     */
    @Test
    void queriesLeaveFromManySourcePorts() {
        server.zone("ports.test").mode(Mode.ANSWER).delay(Duration.ofMillis(300));
        java.util.List<java.util.concurrent.CompletableFuture<UpstreamResponse>> inFlight = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(transport.query(server.address(), "n" + i + ".ports.test", DnsType.A, Duration.ofSeconds(5))
                    .toCompletableFuture());
        }
        inFlight.forEach(java.util.concurrent.CompletableFuture::join);

        assertThat(server.udpSourcePorts()).hasSizeGreaterThanOrEqualTo(15);
    }
}
