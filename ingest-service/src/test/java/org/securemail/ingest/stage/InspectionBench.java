package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.dns.client.testing.FakeDnsResolver;
import org.securemail.ingest.inspect.dkim.DkimLimits;
import org.securemail.ingest.inspect.dkim.DkimResult;
import org.securemail.ingest.inspect.dkim.DkimVerifier;
import org.securemail.ingest.inspect.dmarc.DmarcEvaluator;
import org.securemail.ingest.inspect.dmarc.PctSampler;
import org.securemail.ingest.inspect.dnsbl.DnsblChecker;
import org.securemail.ingest.inspect.dnsbl.DnsblLimits;
import org.securemail.ingest.inspect.dnsbl.FcrdnsChecker;
import org.securemail.ingest.inspect.dnsbl.FcrdnsLimits;
import org.securemail.ingest.inspect.spf.SpfChecker;
import org.securemail.ingest.inspect.spf.SpfLimits;

/**
 * Benchmark (run by deploy/bench/stage-bench, not by the suite: the name does not end in Test): the inspection of one
 * inbound message in-process, on the CPU alone: SPF through an include, DKIM rsa-sha256 over a real dkimpy-signed
 * message, DMARC, iprev and one blocklist, answered by the in-memory fake resolver (no network, no Kafka), then the
 * policy and the Authentication-Results field. Kafka's share (one more consume and produce per message) is measured
 * by the outage replay side by side (README).
 */
class InspectionBench {

    @Test
    void inspectionsPerSecond() throws Exception {
        int messages = Integer.getInteger("bench.messages", 20_000);
        int warmup = Integer.getInteger("bench.warmup", 3_000);
        int concurrency = Integer.getInteger("bench.concurrency", 16);
        byte[] message = fixture("dkimpy-rsa2048-relaxed.eml");
        FakeDnsResolver dns = new FakeDnsResolver()
                .answer("example.org", DnsType.TXT, "v=spf1 include:_spf.example.org -all")
                .answer("_spf.example.org", DnsType.TXT, "v=spf1 ip4:192.0.2.0/24 -all")
                .answer("_dmarc.example.org", DnsType.TXT, "v=DMARC1; p=reject; rua=mailto:d@example.org")
                .answer("rsa2048._domainkey.example.org", DnsType.TXT, new String(fixture("rsa2048.txt")).strip())
                .answer("7.2.0.192.in-addr.arpa", DnsType.PTR, "mail.example.org.")
                .answer("mail.example.org", DnsType.A, "192.0.2.7")
                .otherwise(org.securemail.common.dns.DnsStatus.NXDOMAIN);
        ExecutorService work = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        Inspector inspector = new Inspector(new SpfChecker(dns, SpfLimits.DEFAULTS),
                new DkimVerifier(dns, DkimLimits.defaults(), clockAfterSigning(message), work),
                new DmarcEvaluator(dns, DmarcEvaluator.DEFAULT_LOOKUP_DEADLINE, PctSampler.random()),
                new FcrdnsChecker(dns, FcrdnsLimits.DEFAULTS), new DnsblChecker(dns, DnsblLimits.DEFAULTS),
                Optional.empty());
        DomainPolicy policy = new DomainPolicy("reject", "reject", List.of("bl.example"));
        Inspector.CheckPlan plan = InspectionStage.plan(List.of(policy));
        MailEnvelope envelope = new MailEnvelope("QBENCH", "alice@example.org", List.of("bob@example.net"),
                "192.0.2.7", "mail.example.org", null, null, "t1", Direction.INBOUND, Instant.now(), message.length);

        InspectionReport sample = inspector.inspect(envelope, message, plan).await().indefinitely();
        assertThat(sample.dkim()).extracting(d -> d.result()).containsExactly(DkimResult.PASS);
        assertThat(sample.spf().result().rfcName()).isEqualTo("pass");
        assertThat(sample.dmarc().result().rfcName()).isEqualTo("pass");
        assertThat(PolicyDecision.decide(policy, sample).action()).isEqualTo(Verdict.Action.DELIVER);

        run(inspector, envelope, message, plan, policy, warmup, concurrency);
        long[] micros = new long[messages];
        long start = System.nanoTime();
        run(inspector, envelope, message, plan, policy, messages, concurrency, micros);
        double seconds = (System.nanoTime() - start) / 1e9;
        work.shutdown();
        Arrays.sort(micros);
        System.out.printf("BENCH inspection in-process (SPF+include, DKIM rsa-sha256, DMARC, iprev, 1 DNSBL, policy,"
                + " header): %d messages, concurrency %d, %.0f msg/s, per message p50 %.2f ms p99 %.2f ms, %d cores%n",
                messages, concurrency, messages / seconds, micros[messages / 2] / 1000.0,
                micros[(int) (messages * 0.99)] / 1000.0, Runtime.getRuntime().availableProcessors());
    }

    private static void run(Inspector inspector, MailEnvelope envelope, byte[] message, Inspector.CheckPlan plan,
            DomainPolicy policy, int count, int concurrency, long... micros) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            int index = i;
            long t0 = System.nanoTime();
            inspector.inspect(envelope, message, plan).subscribe().with(report -> {
                if (PolicyDecision.decide(policy, report).action() != Verdict.Action.DELIVER
                        || AuthenticationResults.field("mx.bench", report).isEmpty()) {
                    failures.incrementAndGet();
                }
                if (micros.length > 0) {
                    micros[index] = (System.nanoTime() - t0) / 1000;
                }
                slots.release();
                done.countDown();
            }, failure -> {
                failures.incrementAndGet();
                slots.release();
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.MINUTES)).isTrue();
        assertThat(failures.get()).as("inspections that did not pass").isZero();
    }

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = InspectionBench.class.getResourceAsStream("/dkim/real/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Clock clockAfterSigning(byte[] message) {
        Matcher t = Pattern.compile("\\bt=(\\d+)").matcher(new String(message, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(t.find()).isTrue();
        return Clock.fixed(Instant.ofEpochSecond(Long.parseLong(t.group(1)) + 60), ZoneOffset.UTC);
    }
}
