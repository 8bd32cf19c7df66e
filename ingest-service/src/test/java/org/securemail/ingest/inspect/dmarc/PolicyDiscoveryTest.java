package org.securemail.ingest.inspect.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

class PolicyDiscoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);

    private DmarcPolicyView lookup(String domain) {
        return new DmarcEvaluator(dns, Duration.ofMillis(200), () -> 0).lookupPolicy(domain).await().atMost(WAIT);
    }

    @Test
    void recordAtTheAuthorDomainIsUsedWithoutAskingTheOrganizationalDomain() {
        dns.answer("_dmarc.mail.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcPolicyView view = lookup("mail.example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.FOUND);
        assertThat(view.policyDomain()).isEqualTo("mail.example.com");
        assertThat(view.fromOrganizationalDomain()).isFalse();
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void withoutARecordAtTheAuthorDomainTheOrganizationalDomainIsAsked() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=quarantine");

        DmarcPolicyView view = lookup("a.b.example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.FOUND);
        assertThat(view.organizationalDomain()).isEqualTo("example.com");
        assertThat(view.policyDomain()).isEqualTo("example.com");
        assertThat(view.fromOrganizationalDomain()).isTrue();
        assertThat(view.explanation()).anyMatch(s -> s.contains("falling back to the organizational domain"));
    }

    @Test
    void multiLabelPublicSuffixGivesTheRegistrableDomainNotTheSuffix() {
        dns.answer("_dmarc.example.co.uk", DnsType.TXT, "v=DMARC1; p=reject");
        dns.answer("_dmarc.co.uk", DnsType.TXT, "v=DMARC1; p=none");

        DmarcPolicyView view = lookup("news.example.co.uk");

        assertThat(view.organizationalDomain()).isEqualTo("example.co.uk");
        assertThat(view.policyDomain()).isEqualTo("example.co.uk");
        assertThat(view.record().policy()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void anOrganizationalDomainIsAskedOnlyOnce() {
        DmarcPolicyView view = lookup("example.org");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.NONE);
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void noRecordAnywhereIsNone() {
        dns.status("_dmarc.example.net", DnsType.TXT, DnsStatus.NODATA);

        DmarcPolicyView view = lookup("sub.example.net");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.NONE);
        assertThat(view.record()).isNull();
        assertThat(dns.lookups()).isEqualTo(2);
    }

    @Test
    void otherTxtRecordsAtTheNameAreIgnored() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=spf1 -all", "google-site-verification=abc",
                "v=DMARC1; p=reject");

        DmarcPolicyView view = lookup("example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.FOUND);
        assertThat(view.record().policy()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void onlyNonDmarcTxtAtTheAuthorDomainFallsBackToTheOrganizationalDomain() {
        dns.answer("_dmarc.sub.example.com", DnsType.TXT, "hello world");
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=quarantine");

        assertThat(lookup("sub.example.com").policyDomain()).isEqualTo("example.com");
    }

    @Test
    void severalDmarcRecordsAtOneNameMeanNoPolicyAndNoFallback() {
        dns.answer("_dmarc.sub.example.com", DnsType.TXT, "v=DMARC1; p=reject", "v=DMARC1; p=none");
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcPolicyView view = lookup("sub.example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.NONE);
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"FAILED", "BUSY", "TIMEOUT"})
    void temporaryStatusAtTheAuthorDomainIsTemperrorWithoutFallback(DnsStatus status) {
        dns.status("_dmarc.sub.example.com", DnsType.TXT, status);
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcPolicyView view = lookup("sub.example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.TEMPERROR);
        assertThat(view.record()).isNull();
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"FAILED", "BUSY", "TIMEOUT"})
    void temporaryStatusAtTheOrganizationalDomainIsTemperror(DnsStatus status) {
        dns.status("_dmarc.example.com", DnsType.TXT, status);

        assertThat(lookup("sub.example.com").status()).isEqualTo(DmarcPolicyView.Status.TEMPERROR);
    }

    @Test
    void staleAnswerIsUsedAndSaidSo() {
        dns.put(new DnsAnswer("_dmarc.example.com", DnsType.TXT, DnsStatus.STALE,
                java.util.List.of(new DnsRecordData("_dmarc.example.com", DnsType.TXT, 0, "v=DMARC1; p=reject")),
                900, null));

        DmarcPolicyView view = lookup("example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.FOUND);
        assertThat(view.explanation()).anyMatch(s -> s.contains("stale answer, 900 s old"));
    }

    @Test
    void invalidRecordIsPermerrorAndDoesNotFallBack() {
        dns.answer("_dmarc.sub.example.com", DnsType.TXT, "v=DMARC1; p=maybe");
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcPolicyView view = lookup("sub.example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.PERMERROR);
        assertThat(view.policyDomain()).isEqualTo("sub.example.com");
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void domainIsNormalisedBeforeTheLookup() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=none");

        DmarcPolicyView view = lookup("  Example.COM. ");

        assertThat(view.domain()).isEqualTo("example.com");
        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.FOUND);
    }

    @Test
    void somethingThatIsNotADomainIsPermerrorWithoutALookup() {
        DmarcPolicyView view = lookup("not a domain;\u0000");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.PERMERROR);
        assertThat(dns.lookups()).isZero();
    }

    @Test
    void giantTxtRecordIsPermerror() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; x=" + "y".repeat(60_000));

        assertThat(lookup("example.com").status()).isEqualTo(DmarcPolicyView.Status.PERMERROR);
    }

    @Test
    void explanationNamesEachStepForTheOperator() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; sp=quarantine; pct=50");

        assertThat(lookup("www.example.com").explanation()).containsExactly(
                "author domain www.example.com, organizational domain example.com (public suffix list)",
                "_dmarc.www.example.com TXT: NXDOMAIN",
                "no DMARC record at _dmarc.www.example.com; falling back to the organizational domain",
                "_dmarc.example.com TXT: 1 record(s), 1 DMARC",
                "policy from _dmarc.example.com: p=reject sp=quarantine pct=50 adkim=r aspf=r");
    }

    @Test
    void thousandsOfOtherTxtRecordsAroundOneDmarcRecordStillFindIt() {
        String[] records = new String[3001];
        for (int i = 0; i < 3000; i++) {
            records[i] = "junk-" + i + "; p=reject";
        }
        records[3000] = "v=DMARC1; p=quarantine";
        dns.answer("_dmarc.example.com", DnsType.TXT, records);

        DmarcPolicyView view = lookup("example.com");

        assertThat(view.record().policy()).isEqualTo(Disposition.QUARANTINE);
        assertThat(view.explanation()).anyMatch(s -> s.contains("3000 other TXT ignored"));
    }

    @Test
    void hostileRecordContentReachesTheExplanationOnlySanitisedAndShortened() {
        dns.answer("_dmarc.example.com", DnsType.TXT,
                "v=DMARC1; p=none; evil\u001b[31m=1; pct=" + "9".repeat(500) + "\r\n");

        DmarcPolicyView view = lookup("example.com");

        assertThat(view.status()).isEqualTo(DmarcPolicyView.Status.FOUND);
        assertThat(view.explanation()).allSatisfy(line -> {
            assertThat(line).doesNotContain("\u001b").doesNotContain("\r");
            assertThat(line.length()).isLessThan(200);
        });
    }

    @Test
    void appendixB21ReportingOnlyRecordIsFoundWithItsRua() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com");

        DmarcPolicyView view = lookup("example.com");

        assertThat(view.record().policy()).isEqualTo(Disposition.NONE);
        assertThat(view.record().aggregateReportUris()).extracting(u -> u.uri().toString())
                .containsExactly("mailto:dmarc-feedback@example.com");
    }
}
