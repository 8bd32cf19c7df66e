package org.securemail.dns.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.upstream.UpstreamHealth;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.dns.upstream.NettyUpstreamTransport;

/** Failover over real UDP: the automatic version of "point the queries at resolvers that still answer". */
class FailoverTest {

    private TestDnsServer first;
    private TestDnsServer second;
    private NioEventLoopGroup loop;
    private NettyUpstreamTransport transport;
    private TestEngine engine;

    @BeforeEach
    void start() {
        first = TestDnsServer.start();
        second = TestDnsServer.start();
        for (TestDnsServer server : new TestDnsServer[] {first, second}) {
            server.zone("failover.test");
        }
        loop = new NioEventLoopGroup(1);
        transport = new NettyUpstreamTransport(loop.next(), Duration.ofSeconds(1));
        engine = new TestEngine(transport,
                "dns.upstreams", first.hostPort() + "," + second.hostPort(),
                "dns.timeouts.query", "1s",
                "dns.health.suspend-after", "3",
                "dns.health.probe-initial", "200ms",
                "dns.limits.abandoned-hold", "500ms");
    }

    @AfterEach
    void stop() {
        engine.close();
        transport.close();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        first.close();
        second.close();
    }

    @Test
    void answersComeFromTheSecondUpstreamAndTheFirstIsReinstatedOnceItAnswersAgain() {
        assertThat(engine.resolve("a.failover.test", DnsType.A).status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(first.queries()).isEqualTo(1);
        first.silent(true);

        for (int i = 0; i < 3; i++) {
            DnsAnswer answer = engine.resolve("n" + i + ".failover.test", DnsType.A);
            assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        }
        assertThat(second.queries()).isEqualTo(3);
        UpstreamHealth dead = engine.upstreams.all().get(0);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            engine.upstreams.probeDue();
            return dead.state() == UpstreamHealth.State.SUSPENDED;
        });

        long start = System.nanoTime();
        assertThat(engine.resolve("fast.failover.test", DnsType.A).status()).isEqualTo(DnsStatus.ANSWER);
        assertThat((System.nanoTime() - start) / 1_000_000).as("the suspended upstream is not waited for")
                .isLessThan(engine.config.timeouts().query().toMillis());

        first.silent(false);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            engine.upstreams.probeDue();
            return dead.state() == UpstreamHealth.State.UP;
        });
        long firstBefore = first.queries();
        long secondBefore = second.queries();
        assertThat(engine.resolve("back.failover.test", DnsType.A).status()).isEqualTo(DnsStatus.ANSWER);
        // a health probe may still reach the first upstream meanwhile, never the second: count what the second saw
        assertThat(second.queries()).as("the reinstated upstream is preferred again").isEqualTo(secondBefore);
        assertThat(first.queries()).isGreaterThan(firstBefore);
    }
}
