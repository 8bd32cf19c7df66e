package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.dns.client.testing.FakeDnsResolver;
import org.securemail.ingest.inspect.dkim.DkimLimits;
import org.securemail.ingest.inspect.dkim.DkimVerifier;
import org.securemail.ingest.inspect.dmarc.DmarcEvaluator;
import org.securemail.ingest.inspect.dmarc.DmarcResult;
import org.securemail.ingest.inspect.dmarc.PctSampler;
import org.securemail.ingest.inspect.dnsbl.DnsblChecker;
import org.securemail.ingest.inspect.dnsbl.DnsblLimits;
import org.securemail.ingest.inspect.dnsbl.FcrdnsChecker;
import org.securemail.ingest.inspect.dnsbl.FcrdnsLimits;
import org.securemail.ingest.inspect.spf.SpfChecker;
import org.securemail.ingest.inspect.spf.SpfLimits;
import org.securemail.ingest.inspect.spf.SpfResult;

class InspectorTest {

    /** A legitimate record with eight DNS-querying terms: within RFC 7208's ten, once. */
    @Test
    void spfAndDkimRunOnceForTheReportAndForDmarc() {
        FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN)
                .answer("big.example", DnsType.TXT, "v=spf1 include:a.big.example include:b.big.example"
                        + " include:c.big.example include:d.big.example include:e.big.example include:f.big.example"
                        + " include:g.big.example ip4:192.0.2.0/24 include:h.big.example -all")
                .answer("_dmarc.big.example", DnsType.TXT, "v=DMARC1; p=reject");
        for (String l : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
            dns.answer(l + ".big.example", DnsType.TXT, "v=spf1 ip4:198.51.100." + l.charAt(0) % 200 + " -all");
        }
        Inspector inspector = new Inspector(new SpfChecker(dns, SpfLimits.DEFAULTS),
                new DkimVerifier(dns, DkimLimits.defaults(), java.time.Clock.systemUTC()),
                new DmarcEvaluator(dns, DmarcEvaluator.DEFAULT_LOOKUP_DEADLINE, PctSampler.random()),
                new FcrdnsChecker(dns, FcrdnsLimits.DEFAULTS), new DnsblChecker(dns, DnsblLimits.DEFAULTS),
                Optional.empty());
        MailEnvelope envelope = new MailEnvelope("QINSP1", "alice@big.example", List.of("bob@rcpt.example"),
                "192.0.2.9", "mail.big.example", null, null, "t1", Direction.INBOUND, Instant.now(), 50);
        byte[] message = "From: <alice@big.example>\r\nSubject: x\r\n\r\nhi\r\n".getBytes();

        int before = dns.lookups();
        InspectionReport report = inspector.inspect(envelope, message,
                new Inspector.CheckPlan(true, true, List.of())).await().indefinitely();
        int lookups = dns.lookups() - before;

        assertThat(report.spf().result()).as(String.join("\n", report.spf().trace())).isEqualTo(SpfResult.PASS);
        assertThat(report.dmarc().result()).isEqualTo(DmarcResult.PASS);
        // SPF: the record and 7 includes until ip4 matched; DMARC: _dmarc.big.example; iprev: one PTR
        assertThat(lookups).isEqualTo(8 + 1 + 1);
    }

    /**
     * Issue 16 item 5: the lookups of one inspection, SPF's chain of includes after a thread hop among them, DMARC after
     * SPF and DKIM, iprev and a blocklist beside them, all run in the subscription that carries the inspection's trace
     * context: the DNS client's dns.lookup spans go under the inspection span, whatever thread a lookup runs on.
     */
    @Test
    void everyLookupOfAnInspectionRunsInTheInspectionsTraceContext() throws Exception {
        FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN)
                .answer("traced.example", DnsType.TXT, "v=spf1 include:a.traced.example -all")
                .answer("a.traced.example", DnsType.TXT, "v=spf1 ip4:192.0.2.0/24 -all")
                .answer("_dmarc.traced.example", DnsType.TXT, "v=DMARC1; p=reject")
                .delay("traced.example", java.time.Duration.ofMillis(50)); // the rest runs on the fake's timer thread
        io.opentelemetry.context.ContextKey<String> mark = io.opentelemetry.context.ContextKey.named("inspection");
        io.opentelemetry.context.Context inspection = io.opentelemetry.context.Context.root().with(mark, "QTRACE1");
        java.util.Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
        org.securemail.dns.client.DnsResolver recording = (name, type, deadline) -> io.smallrye.mutiny.Uni.createFrom()
                .context(ctx -> {
                    io.opentelemetry.context.Context parent = org.securemail.common.observe.MessageTracing.parent(ctx);
                    seen.put(type + " " + name, String.valueOf(parent.get(mark)));
                    return dns.resolve(name, type, deadline);
                });
        Inspector inspector = new Inspector(new SpfChecker(recording, SpfLimits.DEFAULTS),
                new DkimVerifier(recording, DkimLimits.defaults(), java.time.Clock.systemUTC()),
                new DmarcEvaluator(recording, DmarcEvaluator.DEFAULT_LOOKUP_DEADLINE, PctSampler.random()),
                new FcrdnsChecker(recording, FcrdnsLimits.DEFAULTS), new DnsblChecker(recording, DnsblLimits.DEFAULTS),
                Optional.empty());
        MailEnvelope envelope = new MailEnvelope("QTRACE1", "alice@traced.example", List.of("bob@rcpt.example"),
                "192.0.2.9", "mail.traced.example", null, null, "t1", Direction.INBOUND, Instant.now(), 50);
        byte[] message = "From: <alice@traced.example>\r\nSubject: x\r\n\r\nhi\r\n".getBytes();

        java.util.concurrent.CompletableFuture<InspectionReport> done = new java.util.concurrent.CompletableFuture<>();
        inspector.inspect(envelope, message, new Inspector.CheckPlan(true, true,
                List.of(org.securemail.ingest.inspect.dnsbl.DnsblZone.of("bl.traced.example"))))
                .subscribe().with(org.securemail.common.observe.MessageTracing.subscription(inspection), done::complete,
                        done::completeExceptionally);
        InspectionReport report = done.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(report.spf().result()).isEqualTo(SpfResult.PASS);
        assertThat(seen).containsKeys("TXT traced.example", "TXT a.traced.example", "TXT _dmarc.traced.example",
                "PTR 9.2.0.192.in-addr.arpa", "A 9.2.0.192.bl.traced.example");
        assertThat(seen.values()).allMatch("QTRACE1"::equals);
    }
}
