package org.securemail.dns.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.upstream.NettyUpstreamTransport;
import org.securemail.dns.upstream.UpstreamHealth;
import org.securemail.testing.dns.TestDnsServer;

/**
 * Issue 17, item 3: a resolver that cannot answer the probe's question (a stub or restricted resolver without root
 * hints never answers {@code . NS}) but answers everything else must not lose its traffic. Evidence of life comes
 * from the traffic itself. Real UDP, one upstream: the resolver of a small installation.
 */
class UpstreamProbeTest {

    private TestDnsServer resolver;
    private NioEventLoopGroup loop;
    private NettyUpstreamTransport transport;
    private TestEngine engine;
    private UpstreamHealth upstream;

    @BeforeEach
    void start() {
        resolver = TestDnsServer.start();
        resolver.zone("alive.test");
        resolver.zone("dead.test").mode(TestDnsServer.Mode.DEAD);
        resolver.otherZones().mode(TestDnsServer.Mode.DEAD); // the root too: `. NS` is never answered
        loop = new NioEventLoopGroup(1);
        transport = new NettyUpstreamTransport(loop.next(), Duration.ofSeconds(1));
        engine("dns.health.suspend-after", "3");
    }

    /** A fresh engine with one upstream (the resolver), short timeouts, and {@code extra} settings. */
    private void engine(String... extra) {
        if (engine != null) {
            engine.close();
        }
        List<String> properties = new ArrayList<>(List.of(
                "dns.upstreams", resolver.hostPort(),
                "dns.timeouts.query", "1s",
                "dns.timeouts.resolution", "1200ms",
                "dns.health.min-timeout", "1s",
                "dns.health.probe-initial", "200ms",
                "dns.limits.abandoned-hold", "1s"));
        properties.addAll(List.of(extra));
        engine = new TestEngine(transport, properties.toArray(String[]::new));
        upstream = engine.upstreams.all().get(0);
    }

    @AfterEach
    void stop() {
        engine.close();
        transport.close();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        resolver.close();
    }

    @Test
    void aResolverThatAnswersOtherQueriesIsNotSuspendedThoughItNeverAnswersTheProbe() {
        List<CompletableFuture<DnsAnswer>> dead = lookups("x%d.dead.test", 3);
        // three timeouts in a row (a dead zone behind a healthy resolver): the upstream is probed with `. NS`
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> upstream.state() == UpstreamHealth.State.PROBING && upstream.probeInFlight());
        // while the probe is out, the resolver answers a real question
        assertThat(engine.resolve("a.alive.test", DnsType.A).status()).isEqualTo(DnsStatus.ANSWER);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> !upstream.probeInFlight());

        assertThat(upstream.state()).as("the probe went unanswered, but the resolver answered other queries")
                .isEqualTo(UpstreamHealth.State.UP);
        dead.forEach(CompletableFuture::join);
        long before = resolver.queries();
        assertThat(engine.resolve("b.alive.test", DnsType.A).status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(resolver.queries()).as("the resolver still gets the traffic").isEqualTo(before + 1);
    }

    @Test
    void aSuspendedResolverThatNeverAnswersTheProbeIsReinstatedByAQuestionItAnswers() {
        assertThat(engine.resolve("a.alive.test", DnsType.A).status()).isEqualTo(DnsStatus.ANSWER);
        resolver.silent(true);
        lookups("n%d.alive.test", 3).forEach(CompletableFuture::join);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            engine.upstreams.probeDue();
            return upstream.state() == UpstreamHealth.State.SUSPENDED;
        });
        assertThat(engine.resolve("c.alive.test", DnsType.A).status()).as("nothing is sent to a suspended upstream")
                .isEqualTo(DnsStatus.FAILED);

        resolver.silent(false); // it answers again, everything but `. NS`
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            engine.upstreams.probeDue();
            return upstream.state() == UpstreamHealth.State.UP;
        });
        assertThat(engine.resolve("d.alive.test", DnsType.A).status()).isEqualTo(DnsStatus.ANSWER);
    }

    @Test
    void theProbeQuestionIsTheOperatorsToChoose() {
        engine("dns.health.suspend-after", "1",
                "dns.health.probe-name", "probe.alive.test",
                "dns.health.probe-type", "TXT");
        int probesBefore = resolver.zone("alive.test").queries();
        lookups("y%d.dead.test", 1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> resolver.zone("alive.test").queries() > probesBefore && !upstream.probeInFlight());
        assertThat(upstream.state()).as("the configured probe (probe.alive.test TXT) was answered")
                .isEqualTo(UpstreamHealth.State.UP);
    }

    private List<CompletableFuture<DnsAnswer>> lookups(String pattern, int count) {
        List<CompletableFuture<DnsAnswer>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(engine.lookups.resolve(String.format(pattern, i), DnsType.A).subscribeAsCompletionStage());
        }
        return answers;
    }
}
