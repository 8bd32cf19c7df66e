package org.securemail.dns.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.bench.ClosedLoop;
import org.securemail.dns.upstream.NettyUpstreamTransport;

/**
 * Benchmark (run by deploy/bench/dns-bench, not by the test suite: the class name does not end in Test): the
 * resolution engine in-process, over real UDP to a real resolver ({@code -Dbench.upstream=host:port}), for cache
 * misses (fresh names) and cache hits. Prints lines starting with "BENCH".
 */
class EngineBench {

    @Test
    void engineLookupsPerSecond() throws Exception {
        String upstream = System.getProperty("bench.upstream", "127.0.0.1:53");
        int misses = Integer.getInteger("bench.misses", 20_000);
        int hits = Integer.getInteger("bench.hits", 200_000);
        int concurrency = Integer.getInteger("bench.concurrency", 64);
        NioEventLoopGroup loop = new NioEventLoopGroup(1);
        NettyUpstreamTransport transport = new NettyUpstreamTransport(loop.next(), Duration.ofMillis(1500));
        try (TestEngine engine = new TestEngine(transport, "dns.upstreams", upstream,
                "dns.limits.slow-budget", "128", "dns.limits.per-upstream", "128",
                "dns.limits.abandoned-hold", System.getProperty("bench.abandoned-hold", "2s"))) {
            ClosedLoop.Result miss = ClosedLoop.run(concurrency, misses,
                    i -> engine.lookups.resolve("n" + i + ".z" + (i % 500) + ".bench", DnsType.A));
            System.out.println("BENCH engine in-process, cache miss (fresh names, upstream " + upstream + "): " + miss);
            System.out.println("reasons: " + ClosedLoop.REASONS);
            assertThat(miss.count(DnsStatus.ANSWER)).isPositive();

            ClosedLoop.Result hit = ClosedLoop.run(concurrency, hits,
                    i -> engine.lookups.resolve("n" + (i % 1000) + ".z" + (i % 1000 % 500) + ".bench", DnsType.A));
            System.out.println("BENCH engine in-process, cache hit: " + hit);
            assertThat(hit.count(DnsStatus.ANSWER)).isPositive();
        } finally {
            transport.close();
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
