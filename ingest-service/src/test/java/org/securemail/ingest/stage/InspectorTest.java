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
}
