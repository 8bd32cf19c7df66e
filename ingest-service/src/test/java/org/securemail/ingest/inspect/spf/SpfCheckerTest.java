package org.securemail.ingest.inspect.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** check_host() end to end: record selection, include and redirect, exp, DNS statuses, identities. */
class SpfCheckerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SpfLimits QUICK = SpfLimits.DEFAULTS.withDeadlines(Duration.ofMillis(200),
            Duration.ofSeconds(5));

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    private final SpfChecker checker = new SpfChecker(dns, QUICK, "mx.receiver.example",
            Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC));

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private SpfOutcome mailFrom(String client, String sender) {
        return checker.checkMailFrom(ip(client), "mail.example.net", sender).await().atMost(WAIT);
    }

    private SpfOutcome example(String record, String client) {
        dns.answer("example.com", DnsType.TXT, record);
        return mailFrom(client, "strong-bad@example.com");
    }

    // --- record selection (§4.4, §4.5) ---

    @Test
    void aDomainWithoutTxtRecordsIsNone() {
        SpfOutcome outcome = mailFrom("192.0.2.3", "user@example.com");

        assertThat(outcome.result()).isEqualTo(SpfResult.NONE);
        assertThat(outcome.result().rfcName()).isEqualTo("none");
    }

    @Test
    void otherTxtRecordsAreNotSpfRecords() {
        dns.answer("example.com", DnsType.TXT, "google-site-verification=abc", "v=spf10 +all", "spf2.0/pra +all");

        assertThat(mailFrom("192.0.2.3", "user@example.com").result()).isEqualTo(SpfResult.NONE);
    }

    @Test
    void theOneSpfRecordAmongOtherTxtRecordsIsUsed() {
        dns.answer("example.com", DnsType.TXT, "some verification=1", "V=SPF1 ip4:192.0.2.0/24 -all");

        assertThat(mailFrom("192.0.2.3", "user@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void twoSpfRecordsArePermerror() {
        dns.answer("example.com", DnsType.TXT, "v=spf1 +all", "v=spf1 -all");

        SpfOutcome outcome = mailFrom("192.0.2.3", "user@example.com");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("2 SPF records"));
    }

    @Test
    void aSyntaxErrorAnywhereIsPermerrorBeforeAnyTermIsEvaluated() {
        SpfOutcome outcome = example("v=spf1 a:unanswered.example.com ip4:192.0.2.3 bogus:term -all", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("unknown mechanism"));
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v=spf1 ip4:192.0.2.3 frobnicate -all              | unknown mechanism",
        "v=spf1 ip4:192.0.2.3/33 -all                      | CIDR",
        "v=spf1 ip4:192.0.2.3 a/024 -all                   | CIDR",
        "v=spf1 ip4:192.0.2.3 exists:%{ir}.%(d) -all       | followed by",
        "v=spf1 ip4:192.0.2.3 exists:%{c}.example.com -all | only in explanations",
        "v=spf1 ip4:192.0.2.3 redirect=a.example redirect=b.example | more than once",
    })
    void syntaxErrorsArePermerrorWithTheReasonInTheTrace(String record, String reason) {
        SpfOutcome outcome = example(record.trim(), "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.mechanism()).isNull();
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("syntax error").contains(reason));
    }

    @Test
    void aRecordWithoutMatchingTermsIsNeutral() {
        SpfOutcome outcome = example("v=spf1 ip4:198.51.100.0/24", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.NEUTRAL);
        assertThat(outcome.mechanism()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"+all, PASS", "-all, FAIL", "~all, SOFTFAIL", "?all, NEUTRAL", "all, PASS"})
    void theQualifierGivesTheResult(String term, SpfResult expected) {
        SpfOutcome outcome = example("v=spf1 " + term, "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(expected);
        assertThat(outcome.mechanism()).isEqualTo(term);
    }

    @Test
    void termsAfterAMatchAreNotEvaluated() {
        SpfOutcome outcome = example("v=spf1 ip4:192.0.2.3 a:never.example.com -all", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void aHugeTxtRecordIsPermerrorNotAnException() {
        SpfOutcome outcome = example("v=spf1 " + "a".repeat(60_000), "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("syntax error"));
    }

    @Test
    void aRecordWithControlCharactersIsPermerror() {
        assertThat(example("v=spf1 a\u0000 -all", "192.0.2.3").result()).isEqualTo(SpfResult.PERMERROR);
    }

    // --- include (§5.2) ---

    @ParameterizedTest(name = "included {0} → {1}")
    @CsvSource({
        "v=spf1 +all,                           PASS",
        "v=spf1 -all,                           SOFTFAIL",
        "v=spf1 ~all,                           SOFTFAIL",
        "v=spf1 ?all,                           SOFTFAIL",
        "v=spf1 nonsense,                       PERMERROR",
        "v=spf1 include:missing.example.net,    PERMERROR",
    })
    void includeMapsTheIncludedResult(String included, SpfResult expected) {
        dns.answer("_spf.example.net", DnsType.TXT, included);

        SpfOutcome outcome = example("v=spf1 include:_spf.example.net ~all", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(expected);
    }

    @Test
    void includeOfADomainWithoutRecordIsPermerror() {
        SpfOutcome outcome = example("v=spf1 include:nothing.example.net ~all", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void includeOfATemporaryFailureIsTemperror() {
        dns.status("_spf.example.net", DnsType.TXT, DnsStatus.FAILED);

        assertThat(example("v=spf1 include:_spf.example.net ~all", "192.0.2.3").result())
                .isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void anIncludedRecordsExpIsNotUsed() {
        dns.answer("_spf.example.net", DnsType.TXT, "v=spf1 -all exp=why.example.net");
        dns.answer("why.example.net", DnsType.TXT, "included explanation");
        dns.answer("why.example.com", DnsType.TXT, "outer explanation");

        SpfOutcome outcome = example("v=spf1 -include:_spf.example.net ?all exp=why.example.com", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.NEUTRAL);
        assertThat(outcome.explanation()).isNull();
    }

    // --- redirect (§6.1) ---

    @Test
    void redirectTakesTheTargetsResultAndMechanism() {
        dns.answer("_spf.example.net", DnsType.TXT, "v=spf1 ip4:192.0.2.0/24 -all");

        SpfOutcome outcome = example("v=spf1 ip4:198.51.100.1 redirect=_spf.example.net", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.mechanism()).isEqualTo("ip4:192.0.2.0/24");
        assertThat(outcome.domain()).isEqualTo("example.com");
    }

    @Test
    void redirectToADomainWithoutRecordIsPermerror() {
        assertThat(example("v=spf1 redirect=nothing.example.net", "192.0.2.3").result())
                .isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void redirectIsIgnoredWhenTheRecordHasAll() {
        dns.answer("_spf.example.net", DnsType.TXT, "v=spf1 +all");

        SpfOutcome outcome = example("v=spf1 redirect=_spf.example.net ?all", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.NEUTRAL);
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void redirectUsesTheTargetsExpNotTheOriginals() {
        dns.answer("_spf.example.net", DnsType.TXT, "v=spf1 -all exp=why.example.net");
        dns.answer("why.example.net", DnsType.TXT, "target says no to %{i}");
        dns.answer("why.example.com", DnsType.TXT, "original says no");

        SpfOutcome outcome = example("v=spf1 exp=why.example.com redirect=_spf.example.net", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.explanation()).isEqualTo("target says no to 192.0.2.3");
    }

    @Test
    void redirectExpandsMacrosInItsTarget() {
        dns.answer("example.com._spf.example.net", DnsType.TXT, "v=spf1 -all");

        assertThat(example("v=spf1 redirect=%{d}._spf.example.net", "192.0.2.3").result())
                .isEqualTo(SpfResult.FAIL);
    }

    // --- exp (§6.2) ---

    @Test
    void expExplainsAFailWithMacros() {
        dns.answer("explain._spf.example.com", DnsType.TXT,
                "%{c} is not one of %{d}'s designated mail servers (%{r}, %{t}, %{L})");

        SpfOutcome outcome = example("v=spf1 mx -all exp=explain._spf.%{d}", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.explanation()).isEqualTo(
                "192.0.2.3 is not one of example.com's designated mail servers (mx.receiver.example, 1700000000,"
                        + " strong-bad)");
    }

    @Test
    void expIsNotLookedUpForOtherResults() {
        dns.answer("explain.example.com", DnsType.TXT, "no");

        SpfOutcome outcome = example("v=spf1 ~all exp=explain.example.com", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.SOFTFAIL);
        assertThat(outcome.explanation()).isNull();
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void anExpThatCannotBeHadLeavesTheFailWithoutExplanation() {
        dns.status("explain.example.com", DnsType.TXT, DnsStatus.FAILED);

        SpfOutcome outcome = example("v=spf1 -all exp=explain.example.com", "192.0.2.3");

        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.explanation()).isNull();
    }

    @Test
    void anExpWithABadMacroOrTwoRecordsGivesNoExplanation() {
        dns.answer("bad.example.com", DnsType.TXT, "50% of %{x}");
        dns.answer("two.example.com", DnsType.TXT, "one", "two");

        assertThat(example("v=spf1 -all exp=bad.example.com", "192.0.2.3").explanation()).isNull();
        assertThat(example("v=spf1 -all exp=two.example.com", "192.0.2.3").explanation()).isNull();
        assertThat(example("v=spf1 -all exp=two.example.com", "192.0.2.3").result()).isEqualTo(SpfResult.FAIL);
    }

    // --- DNS statuses ---

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"FAILED", "BUSY", "TIMEOUT"})
    void aTemporaryStatusOfTheRecordLookupIsTemperror(DnsStatus status) {
        dns.status("example.com", DnsType.TXT, status);

        SpfOutcome outcome = mailFrom("192.0.2.3", "user@example.com");

        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"FAILED", "BUSY", "TIMEOUT"})
    void aTemporaryStatusOfAMechanismLookupIsTemperror(DnsStatus status) {
        dns.status("hosts.example.com", DnsType.A, status);

        assertThat(example("v=spf1 a:hosts.example.com -all", "192.0.2.3").result())
                .isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void aTemporaryFailureOfAnExchangesAddressIsTemperror() {
        dns.answer("example.com", DnsType.MX, "10 mx1.example.com", "20 mx2.example.com");
        dns.answer("mx1.example.com", DnsType.A, "198.51.100.1");
        dns.status("mx2.example.com", DnsType.A, DnsStatus.BUSY);

        assertThat(example("v=spf1 mx -all", "192.0.2.3").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void staleAnswersAreUsed() {
        dns.put(new DnsAnswer("example.com", DnsType.TXT, DnsStatus.STALE,
                java.util.List.of(new DnsRecordData("example.com", DnsType.TXT, 0, "v=spf1 a -all")), 3600, null));
        dns.put(new DnsAnswer("example.com", DnsType.A, DnsStatus.STALE,
                java.util.List.of(new DnsRecordData("example.com", DnsType.A, 0, "192.0.2.3")), 3600, null));

        assertThat(mailFrom("192.0.2.3", "user@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void theWholeCheckEndsByItsDeadlineWithTemperror() {
        SpfChecker hurried = new SpfChecker(dns, SpfLimits.DEFAULTS.withDeadlines(Duration.ofSeconds(5),
                Duration.ofMillis(300)));
        dns.answer("example.com", DnsType.TXT, "v=spf1 a:slow.example.com -all");
        dns.answer("slow.example.com", DnsType.A, "192.0.2.3");
        dns.delay("slow.example.com", Duration.ofSeconds(30));
        long start = System.nanoTime();

        SpfOutcome outcome = hurried.checkMailFrom(ip("192.0.2.3"), "h.example.net", "u@example.com")
                .await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    // --- mechanisms in detail ---

    @Test
    void anIpv6ClientIsMatchedAgainstAaaaRecordsAndIp6() {
        dns.answer("example.com", DnsType.AAAA, "2001:db8::1");

        assertThat(example("v=spf1 ip4:192.0.2.0/24 a -all", "2001:db8::1").result()).isEqualTo(SpfResult.PASS);
        assertThat(example("v=spf1 a//64 -all", "2001:db8::ffff").result()).isEqualTo(SpfResult.PASS);
        assertThat(example("v=spf1 a/24 -all", "2001:db8::ffff").result()).isEqualTo(SpfResult.FAIL);
        assertThat(example("v=spf1 ip6:2001:db8::/32 -all", "2001:db8:1::1").result()).isEqualTo(SpfResult.PASS);
        assertThat(example("v=spf1 ip6:2001:db8::/32 -all", "192.0.2.3").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void anIpv4MappedClientIsCheckedAsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 3};
        InetAddress client = java.net.Inet6Address.getByAddress(null, mapped, -1);
        dns.answer("example.com", DnsType.TXT, "v=spf1 a:hosts.example.com -all");
        dns.answer("hosts.example.com", DnsType.A, "192.0.2.3");

        SpfOutcome outcome = checker.checkMailFrom(client, "h.example.net", "u@example.com").await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        dns.answer("example.com", DnsType.TXT, "v=spf1 ip4:192.0.2.0/24 -all");
        assertThat(checker.checkMailFrom(client, "h.example.net", "u@example.com").await().atMost(WAIT).result())
                .isEqualTo(SpfResult.PASS);
    }

    @Test
    void existsLooksUpAnAddressRecordEvenForIpv6Clients() {
        dns.answer("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example.org", DnsType.A,
                "127.0.0.2");

        assertThat(example("v=spf1 -exists:%{ir}.bl.example.org +all", "2001:db8::1").result())
                .isEqualTo(SpfResult.FAIL);
        assertThat(example("v=spf1 -exists:%{ir}.bl.example.org +all", "2001:db8::2").result())
                .isEqualTo(SpfResult.PASS);
    }

    @Test
    void aNullMxMatchesNothing() {
        dns.answer("example.com", DnsType.MX, "0 .");

        assertThat(example("v=spf1 mx ?all", "192.0.2.3").result()).isEqualTo(SpfResult.NEUTRAL);
    }

    @Test
    void thePMacroUsesTheValidatedNameOfTheClient() {
        dns.answer("3.2.0.192.in-addr.arpa", DnsType.PTR, "mail.example.com", "liar.example.org");
        dns.answer("mail.example.com", DnsType.A, "192.0.2.3");
        dns.answer("liar.example.org", DnsType.A, "198.51.100.9");
        dns.answer("mail.example.com.allowed.example.net", DnsType.A, "127.0.0.2");

        assertThat(example("v=spf1 exists:%{p}.allowed.example.net -all", "192.0.2.3").result())
                .isEqualTo(SpfResult.PASS);
        assertThat(example("v=spf1 ptr:example.org -all", "192.0.2.3").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void thePMacroIsUnknownWithoutAValidatedName() {
        dns.answer("3.2.0.192.in-addr.arpa", DnsType.PTR, "forged.example.com");
        dns.answer("forged.example.com", DnsType.A, "198.51.100.1");
        dns.answer("unknown.allowed.example.net", DnsType.A, "127.0.0.2");

        assertThat(example("v=spf1 exists:%{p}.allowed.example.net -all", "192.0.2.3").result())
                .isEqualTo(SpfResult.PASS);
    }

    @Test
    void aPtrLookupFailureIsNoMatchNotTemperror() {
        dns.status("3.2.0.192.in-addr.arpa", DnsType.PTR, DnsStatus.FAILED);

        assertThat(example("v=spf1 ptr ?all", "192.0.2.3").result()).isEqualTo(SpfResult.NEUTRAL);
    }

    @Test
    void aTargetThatExpandsToAnInvalidNameIsPermerror() {
        dns.answer("example.com", DnsType.TXT, "v=spf1 a:%{l}.users.example.com -all");

        SpfOutcome outcome = mailFrom("192.0.2.3", "a".repeat(64) + "@example.com");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("not a valid domain name"));
    }

    // --- identities (§2.3, §2.4, §4.3) ---

    @Test
    void theHeloIdentityIsCheckedAsPostmasterAtTheHeloName() {
        dns.answer("mail.example.net", DnsType.TXT, "v=spf1 ip4:192.0.2.3 -all exp=why.example.net");
        dns.answer("why.example.net", DnsType.TXT, "%{s} %{l} %{o} %{h}");

        SpfOutcome pass = checker.checkHelo(ip("192.0.2.3"), "mail.example.net").await().atMost(WAIT);
        SpfOutcome fail = checker.checkHelo(ip("192.0.2.4"), "Mail.Example.Net.").await().atMost(WAIT);

        assertThat(pass.result()).isEqualTo(SpfResult.PASS);
        assertThat(pass.identity()).isEqualTo(SpfIdentity.HELO);
        assertThat(pass.sender()).isEqualTo("postmaster@mail.example.net");
        assertThat(fail.result()).isEqualTo(SpfResult.FAIL);
        assertThat(fail.explanation())
                .isEqualTo("postmaster@mail.example.net postmaster mail.example.net Mail.Example.Net.");
    }

    @Test
    void theNullReversePathIsCheckedAsPostmasterAtTheHeloName() {
        dns.answer("mail.example.net", DnsType.TXT, "v=spf1 ip4:192.0.2.3 -all");

        SpfOutcome outcome = checker.checkMailFrom(ip("192.0.2.3"), "mail.example.net", "<>").await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.identity()).isEqualTo(SpfIdentity.MAILFROM);
        assertThat(outcome.sender()).isEqualTo("postmaster@mail.example.net");
        assertThat(checker.checkMailFrom(ip("192.0.2.3"), "mail.example.net", null).await().atMost(WAIT).result())
                .isEqualTo(SpfResult.PASS);
    }

    @Test
    void aSenderWithoutLocalPartIsPostmaster() {
        dns.answer("example.com", DnsType.TXT, "v=spf1 exists:%{l}.users.example.com -all");
        dns.answer("postmaster.users.example.com", DnsType.A, "127.0.0.2");

        SpfOutcome outcome = mailFrom("192.0.2.3", "@example.com");

        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.sender()).isEqualTo("postmaster@example.com");
    }

    @ParameterizedTest
    @CsvSource({"[192.0.2.1]", "localhost", "a..example.com", "exa mple.com"})
    void aMalformedOrSingleLabelDomainIsNoneWithoutLookups(String helo) {
        SpfOutcome outcome = checker.checkHelo(ip("192.0.2.3"), helo).await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(SpfResult.NONE);
        assertThat(dns.lookups()).isZero();
    }

    @Test
    void aMissingHeloWithNullSenderIsNone() {
        SpfOutcome outcome = checker.checkMailFrom(ip("192.0.2.3"), null, "").await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(SpfResult.NONE);
    }

    @Test
    void anInternationalisedDomainIsLookedUpAsALabels() {
        dns.answer("xn--bcher-kva.example", DnsType.TXT, "v=spf1 +all");

        assertThat(mailFrom("192.0.2.3", "kim@bücher.example").result()).isEqualTo(SpfResult.PASS);
    }
}
