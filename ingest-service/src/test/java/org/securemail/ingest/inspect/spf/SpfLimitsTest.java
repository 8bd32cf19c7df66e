package org.securemail.ingest.inspect.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** The processing limits of RFC 7208 §4.6.4 and their configuration. */
class SpfLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);

    private SpfOutcome check(SpfLimits limits, String record) {
        dns.answer("example.com", DnsType.TXT, record);
        return new SpfChecker(dns, limits).checkMailFrom(SpfCheckerTest.ip("192.0.2.3"), "h.example.net",
                "user@example.com").await().atMost(WAIT);
    }

    private SpfOutcome check(String record) {
        return check(SpfLimits.DEFAULTS, record);
    }

    /** {@code count} terms {@code a:hN.example.com}, each answering an address that is not the client's. */
    private String addressTerms(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(n -> {
            dns.answer("h" + n + ".example.com", DnsType.A, "198.51.100." + n);
            return "a:h" + n + ".example.com";
        }).collect(Collectors.joining(" "));
    }

    @Test
    void theDefaultsAreTheRfcValues() {
        assertThat(SpfLimits.DEFAULTS.maxDnsTerms()).isEqualTo(10);
        assertThat(SpfLimits.DEFAULTS.maxVoidLookups()).isEqualTo(2);
        assertThat(SpfLimits.DEFAULTS.maxMxNames()).isEqualTo(10);
        assertThat(SpfLimits.DEFAULTS.maxPtrNames()).isEqualTo(10);
        assertThat(SpfLimits.DEFAULTS.checkDeadline()).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void tenDnsQueryingTermsAreAllowed() {
        assertThat(check("v=spf1 " + addressTerms(10) + " -all").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void theEleventhDnsQueryingTermIsPermerror() {
        SpfOutcome outcome = check("v=spf1 " + addressTerms(11) + " -all");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("DNS-querying term 11"));
        assertThat(dns.lookups()).isEqualTo(11);
    }

    @Test
    void termsWithoutDnsDoNotCount() {
        String many = IntStream.rangeClosed(1, 30).mapToObj(n -> "ip4:198.51.100." + n)
                .collect(Collectors.joining(" "));

        assertThat(check("v=spf1 " + many + " " + addressTerms(10) + " -all").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void includesAndRedirectsCountAcrossRecords() {
        addressTerms(9);
        dns.answer("_a.example.com", DnsType.TXT, "v=spf1 a:h1.example.com a:h2.example.com a:h3.example.com "
                + "a:h4.example.com a:h5.example.com redirect=_b.example.com");
        dns.answer("_b.example.com", DnsType.TXT, "v=spf1 a:h6.example.com a:h7.example.com ?all");

        // include (1) + 5 a + redirect (1) + 2 a = 9 in the include; the outer a makes 10, the second 11.
        assertThat(check("v=spf1 include:_a.example.com a:h8.example.com -all").result()).isEqualTo(SpfResult.FAIL);
        assertThat(check("v=spf1 include:_a.example.com a:h8.example.com a:h9.example.com -all").result())
                .isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void anIncludeLoopEndsAtTheTermLimit() {
        SpfOutcome outcome = check("v=spf1 include:example.com -all");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(dns.lookups()).isEqualTo(11);
    }

    @Test
    void aRedirectLoopEndsAtTheTermLimit() {
        assertThat(check("v=spf1 redirect=example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void twoVoidLookupsAreAllowed() {
        assertThat(check("v=spf1 a:void1.example.com exists:void2.example.com -all").result())
                .isEqualTo(SpfResult.FAIL);
    }

    @Test
    void theThirdVoidLookupIsPermerror() {
        dns.status("void3.example.com", DnsType.MX, DnsStatus.NODATA);

        SpfOutcome outcome = check("v=spf1 a:void1.example.com exists:void2.example.com mx:void3.example.com -all");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("void lookup 3"));
    }

    @Test
    void anAnswerWithoutRecordsIsAVoidLookup() {
        dns.answer("empty1.example.com", DnsType.A);
        dns.answer("empty2.example.com", DnsType.A);
        dns.answer("empty3.example.com", DnsType.A);

        assertThat(check("v=spf1 a:empty1.example.com a:empty2.example.com a:empty3.example.com -all").result())
                .isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void tenExchangesAreAllowed() {
        dns.answer("example.com", DnsType.MX, exchanges(10));
        dns.answer("mx10.example.com", DnsType.A, "192.0.2.3");

        assertThat(check("v=spf1 mx -all").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void elevenExchangesArePermerror() {
        dns.answer("example.com", DnsType.MX, exchanges(11));
        dns.answer("mx1.example.com", DnsType.A, "192.0.2.3");

        SpfOutcome outcome = check("v=spf1 mx -all");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("11 exchanges"));
    }

    private static String[] exchanges(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(n -> n + " mx" + n + ".example.com").toArray(String[]::new);
    }

    @Test
    void onlyTheFirstTenPtrNamesAreValidated() {
        String[] names = IntStream.rangeClosed(1, 11).mapToObj(n -> "host" + n + ".example.com")
                .toArray(String[]::new);
        dns.answer("3.2.0.192.in-addr.arpa", DnsType.PTR, names);
        dns.answer("host11.example.com", DnsType.A, "192.0.2.3");

        SpfOutcome ignored = check("v=spf1 ptr -all");

        assertThat(ignored.result()).isEqualTo(SpfResult.FAIL);
        assertThat(ignored.trace()).anySatisfy(line -> assertThat(line).contains("only the first 10"));

        dns.answer("host10.example.com", DnsType.A, "192.0.2.3");
        assertThat(check("v=spf1 ptr -all").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void smallerConfiguredLimitsApply() {
        SpfLimits strict = new SpfLimits(Duration.ofSeconds(1), Duration.ofSeconds(5), 2, 0, 1, 1);

        assertThat(check(strict, "v=spf1 " + addressTerms(3) + " -all").result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(check(strict, "v=spf1 a:void.example.com -all").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void limitsRefuseNonsense() {
        assertThatThrownBy(() -> new SpfLimits(Duration.ZERO, Duration.ofSeconds(1), 10, 2, 10, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpfLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), -1, 2, 10, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
