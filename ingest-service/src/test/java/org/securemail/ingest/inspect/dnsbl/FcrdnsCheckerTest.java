package org.securemail.ingest.inspect.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.inspect.dnsbl.DnsblCheckerTest.WAIT;
import static org.securemail.ingest.inspect.dnsbl.DnsblCheckerTest.ip;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** Forward-confirmed reverse DNS (iprev, RFC 8601 §3) with the fake resolver. */
class FcrdnsCheckerTest {

    private static final FcrdnsLimits QUICK = FcrdnsLimits.DEFAULTS.withDeadline(Duration.ofMillis(200));
    private static final String CLIENT = "192.0.2.10";
    private static final String REVERSE = "10.2.0.192.in-addr.arpa";

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    private final FcrdnsChecker checker = new FcrdnsChecker(dns, QUICK);

    private FcrdnsOutcome check(String client) {
        return checker.check(ip(client)).await().atMost(WAIT);
    }

    @Test
    void aPtrNameResolvingBackToTheClientPasses() {
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net");
        dns.answer("mail.example.net", DnsType.A, "198.51.100.7", CLIENT);

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.PASS);
        assertThat(outcome.verifiedNames()).containsExactly("mail.example.net");
        assertThat(outcome.authenticationResult())
                .isEqualTo("iprev=pass policy.iprev=192.0.2.10 (mail.example.net)");
    }

    @Test
    void aPtrNameIsComparedInLowerCaseWithoutTheRootDot() {
        dns.answer(REVERSE, DnsType.PTR, "Mail.Example.NET.");
        dns.answer("mail.example.net", DnsType.A, CLIENT);

        assertThat(check(CLIENT).verifiedNames()).containsExactly("mail.example.net");
    }

    @Test
    void aPtrNameResolvingElsewhereFails() {
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net");
        dns.answer("mail.example.net", DnsType.A, "198.51.100.7");

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.FAIL);
        assertThat(outcome.result().iprevName()).isEqualTo("fail");
        assertThat(outcome.ptrNames()).containsExactly("mail.example.net");
        assertThat(outcome.verifiedNames()).isEmpty();
        assertThat(outcome.authenticationResult()).isEqualTo("iprev=fail policy.iprev=192.0.2.10");
    }

    @Test
    void aPtrNameThatDoesNotExistFails() {
        dns.answer(REVERSE, DnsType.PTR, "gone.example.net");

        assertThat(check(CLIENT).result()).isEqualTo(FcrdnsResult.FAIL);
    }

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"NXDOMAIN", "NODATA"})
    void anAddressWithoutPtrRecordsIsNoneWhichIprevCallsPermerror(DnsStatus status) {
        dns.status(REVERSE, DnsType.PTR, status);

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.NONE);
        assertThat(outcome.authenticationResult()).isEqualTo("iprev=permerror policy.iprev=192.0.2.10");
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"FAILED", "BUSY", "TIMEOUT"})
    void aTemporaryPtrStatusIsTemperror(DnsStatus status) {
        dns.status(REVERSE, DnsType.PTR, status);

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.TEMPERROR);
        assertThat(outcome.result().iprevName()).isEqualTo("temperror");
    }

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"FAILED", "BUSY", "TIMEOUT"})
    void aTemporaryForwardStatusWithoutAConfirmedNameIsTemperror(DnsStatus status) {
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net", "other.example.net");
        dns.status("mail.example.net", DnsType.A, status);
        dns.answer("other.example.net", DnsType.A, "198.51.100.7");

        assertThat(check(CLIENT).result()).isEqualTo(FcrdnsResult.TEMPERROR);
    }

    @Test
    void oneConfirmedNamePassesEvenWhenAnotherLookupTimesOut() {
        dns.answer(REVERSE, DnsType.PTR, "slow.example.net", "mail.example.net");
        dns.status("slow.example.net", DnsType.A, DnsStatus.TIMEOUT);
        dns.answer("mail.example.net", DnsType.A, CLIENT);

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.PASS);
        assertThat(outcome.verifiedNames()).containsExactly("mail.example.net");
    }

    @Test
    void everyConfirmedNameIsReported() {
        dns.answer(REVERSE, DnsType.PTR, "a.example.net", "b.example.net", "c.example.net");
        dns.answer("a.example.net", DnsType.A, CLIENT);
        dns.answer("c.example.net", DnsType.A, CLIENT);

        assertThat(check(CLIENT).verifiedNames()).containsExactly("a.example.net", "c.example.net");
    }

    @Test
    void anIpv6ClientIsLookedUpUnderIp6ArpaAndConfirmedByAaaa() {
        String reverse = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
        dns.answer(reverse, DnsType.PTR, "mail6.example.net");
        dns.answer("mail6.example.net", DnsType.AAAA, "2001:db8:0:0:0:0:0:1");

        FcrdnsOutcome outcome = check("2001:db8::1");

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.PASS);
        assertThat(outcome.client()).isEqualTo("2001:db8::1");
        assertThat(outcome.authenticationResult()).startsWith("iprev=pass policy.iprev=2001:db8::1 ");
    }

    @Test
    void anIpv4ClientIsConfirmedByARecordsOnly() {
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net");
        dns.answer("mail.example.net", DnsType.AAAA, "::ffff:192.0.2.10");

        assertThat(check(CLIENT).result()).isEqualTo(FcrdnsResult.FAIL);
    }

    @Test
    void anIpv4MappedClientIsCheckedAsIpv4() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 10};
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net");
        dns.answer("mail.example.net", DnsType.A, CLIENT);

        FcrdnsOutcome outcome = checker.check(Inet6Address.getByAddress(null, mapped, -1)).await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.PASS);
        assertThat(outcome.client()).isEqualTo(CLIENT);
    }

    @Test
    void aStalePtrAnswerIsUsed() {
        dns.put(new DnsAnswer(REVERSE, DnsType.PTR, DnsStatus.STALE,
                List.of(new DnsRecordData(REVERSE, DnsType.PTR, 0, "mail.example.net")), 900, null));
        dns.answer("mail.example.net", DnsType.A, CLIENT);

        assertThat(check(CLIENT).result()).isEqualTo(FcrdnsResult.PASS);
    }

    @Test
    void forwardLookupsGoOutTogether() {
        dns.answer(REVERSE, DnsType.PTR, "a.example.net", "b.example.net", "c.example.net");
        dns.answer("c.example.net", DnsType.A, CLIENT);
        GatedResolver gated = new GatedResolver(dns, DnsType.A, 3);

        FcrdnsOutcome outcome = new FcrdnsChecker(gated, FcrdnsLimits.DEFAULTS).check(ip(CLIENT))
                .await().atMost(WAIT);

        assertThat(gated.inFlight()).containsExactlyInAnyOrder("a.example.net", "b.example.net", "c.example.net");
        assertThat(outcome.result()).isEqualTo(FcrdnsResult.PASS);
    }

    // --- bounds and hostile data ---

    @Test
    void aPtrAnswerOf500NamesIsCheckedOnlyUpToTheLimit() {
        String[] names = IntStream.range(0, 500).mapToObj(i -> "host" + i + ".example.net").toArray(String[]::new);
        dns.answer(REVERSE, DnsType.PTR, names);
        dns.answer("host499.example.net", DnsType.A, CLIENT);

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.ptrNames()).hasSize(10).startsWith("host0.example.net").endsWith("host9.example.net");
        assertThat(dns.lookups()).isEqualTo(1 + 10);
        assertThat(outcome.result()).isEqualTo(FcrdnsResult.FAIL);
        assertThat(outcome.explanation()).anySatisfy(l -> assertThat(l).contains("500 record(s)"));
    }

    @Test
    void hostileNamesInPtrAnswersAreNeverLookedUp() {
        dns.answer(REVERSE, DnsType.PTR,
                "*.example.net", "evil name.example.net", "a..example.net", "under_score.example.net",
                "192.0.2.10", "-lead.example.net", "ctl\u0000.example.net", "x".repeat(300) + ".example.net",
                "l".repeat(64) + ".example.net", "localhost", "", "mail.example.net\r\nX: y", "mail.example.net");
        dns.answer("mail.example.net", DnsType.A, CLIENT);

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.ptrNames()).containsExactly("mail.example.net");
        assertThat(outcome.result()).isEqualTo(FcrdnsResult.PASS);
        assertThat(dns.lookups()).isEqualTo(2);
        assertThat(outcome.explanation()).anySatisfy(l -> assertThat(l).contains("12 not a host name"));
    }

    @Test
    void onlyHostileNamesFailWithoutForwardLookups() {
        dns.answer(REVERSE, DnsType.PTR, "*.example.net", "192.0.2.10", "..");

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.FAIL);
        assertThat(outcome.ptrNames()).isEmpty();
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void aRepeatedPtrNameIsCheckedOnce() {
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net", "MAIL.example.net.", "mail.example.net");
        dns.answer("mail.example.net", DnsType.A, CLIENT);

        FcrdnsOutcome outcome = check(CLIENT);

        assertThat(outcome.ptrNames()).containsExactly("mail.example.net");
        assertThat(dns.lookups()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-an-address", "192.0.2.10.5", "192.0.2.1000", "192.0.2", "", "2001:db8::1::2"})
    void garbageInForwardAnswersDoesNotConfirm(String data) {
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net");
        dns.answer("mail.example.net", DnsType.A, data);

        assertThat(check(CLIENT).result()).isEqualTo(FcrdnsResult.FAIL);
    }

    @Test
    void theAddressesReadPerForwardAnswerAreBounded() {
        FcrdnsChecker fewAddresses = new FcrdnsChecker(dns, new FcrdnsLimits(Duration.ofMillis(200), 10, 4));
        String[] others = IntStream.range(1, 9).mapToObj(i -> "198.51.100." + i).toArray(String[]::new);
        String[] data = java.util.stream.Stream.concat(java.util.Arrays.stream(others), java.util.stream.Stream.of(CLIENT))
                .toArray(String[]::new);
        dns.answer(REVERSE, DnsType.PTR, "mail.example.net");
        dns.answer("mail.example.net", DnsType.A, data);

        assertThat(fewAddresses.check(ip(CLIENT)).await().atMost(WAIT).result()).isEqualTo(FcrdnsResult.FAIL);
    }

    @Test
    void aResolverThatFailsGivesTemperrorNotAnException() {
        DnsResolver failing = (name, type, deadline) -> Uni.createFrom().failure(new IllegalStateException("boom"));

        FcrdnsOutcome outcome = new FcrdnsChecker(failing, QUICK).check(ip(CLIENT)).await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(FcrdnsResult.TEMPERROR);
    }
}
