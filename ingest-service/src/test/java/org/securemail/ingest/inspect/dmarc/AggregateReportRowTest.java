package org.securemail.ingest.inspect.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

class AggregateReportRowTest {

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    private final DmarcEvaluator evaluator = new DmarcEvaluator(dns, Duration.ofMillis(200), () -> 90);

    @Test
    void failingMessageRowCarriesEverythingAnAppendixCRecordNeeds() throws Exception {
        dns.answer("_dmarc.example.com", DnsType.TXT,
                "v=DMARC1; p=reject; sp=none; pct=50; adkim=s; fo=1; rua=mailto:dmarc@example.com");
        InetAddress source = InetAddress.getByName("192.0.2.7");
        DmarcInput input = new DmarcInput("news.example.com", source, "bounce.example.net",
                SpfIdentifier.mailFrom("bounce.example.net", AuthResult.PASS),
                List.of(new DkimIdentifier("example.com", "sel", AuthResult.FAIL)));

        DmarcOutcome outcome = evaluator.evaluate(input).await().atMost(Duration.ofSeconds(5));
        AggregateReportRow row = AggregateReportRow.of(input, outcome).orElseThrow();

        assertThat(row.sourceIp()).isEqualTo(source);
        assertThat(row.headerFrom()).isEqualTo("news.example.com");
        assertThat(row.envelopeFrom()).isEqualTo("bounce.example.net");
        assertThat(row.policyEvaluated().disposition()).isEqualTo(Disposition.NONE);
        assertThat(row.policyEvaluated().dkim()).isEqualTo(AggregateReportRow.AlignedResult.FAIL);
        assertThat(row.policyEvaluated().spf()).isEqualTo(AggregateReportRow.AlignedResult.FAIL);
        assertThat(row.policyEvaluated().reasons()).isEmpty();
        assertThat(row.dkim()).containsExactly(new DkimIdentifier("example.com", "sel", AuthResult.FAIL));
        assertThat(row.spf().scope()).isEqualTo(SpfIdentifier.SpfScope.MFROM);
        assertThat(row.policyPublished()).isEqualTo(new AggregateReportRow.PolicyPublished("example.com",
                AlignmentMode.STRICT, AlignmentMode.RELAXED, Disposition.REJECT, Disposition.NONE, 50,
                java.util.Set.of(FailureOption.ANY_FAIL)));
        assertThat(row.rua()).extracting(ReportUri::uri).containsExactly(URI.create("mailto:dmarc@example.com"));
    }

    @Test
    void sampledOutMessageRowSaysSo() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; pct=50");
        DmarcInput input = new DmarcInput("example.com", null, null, null, List.of());

        DmarcOutcome outcome = evaluator.evaluate(input).await().atMost(Duration.ofSeconds(5));
        AggregateReportRow row = AggregateReportRow.of(input, outcome).orElseThrow();

        assertThat(row.policyEvaluated().disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(row.policyEvaluated().reasons()).extracting(AggregateReportRow.PolicyOverride::type)
                .containsExactly(AggregateReportRow.OverrideType.SAMPLED_OUT);
        assertThat(row.spf().result()).isEqualTo(AuthResult.NONE);
        assertThat(row.envelopeFrom()).isNull();
    }

    @Test
    void noRowWithoutAPublishedPolicy() {
        DmarcInput input = new DmarcInput("example.com", null, null, null, List.of());

        DmarcOutcome none = evaluator.evaluate(input).await().atMost(Duration.ofSeconds(5));
        dns.status("_dmarc.example.org", DnsType.TXT, DnsStatus.BUSY);
        DmarcOutcome temperror = evaluator.evaluate(input.withHeaderFrom("example.org"))
                .await().atMost(Duration.ofSeconds(5));

        assertThat(AggregateReportRow.of(input, none)).isEmpty();
        assertThat(AggregateReportRow.of(input, temperror)).isEmpty();
    }

    @Test
    void authResultNamesMapBothWays() {
        assertThat(AuthResult.fromName("SoftFail")).isEqualTo(AuthResult.SOFTFAIL);
        assertThat(AuthResult.fromName("weird")).isEqualTo(AuthResult.NONE);
        assertThat(AuthResult.TEMPERROR.rfcName()).isEqualTo("temperror");
    }
}
