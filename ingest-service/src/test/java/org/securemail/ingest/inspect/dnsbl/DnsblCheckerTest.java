package org.securemail.ingest.inspect.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
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

/** The blocklist check end to end with the fake resolver: query names, codes, statuses, reasons, bounds. */
class DnsblCheckerTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final DnsblLimits QUICK = DnsblLimits.DEFAULTS.withDeadlines(Duration.ofMillis(200),
            Duration.ofMillis(200));

    private static final DnsblZone BL = DnsblZone.of("bl.example");
    private static final String BL_QUERY = "99.2.0.192.bl.example";

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    private final DnsblChecker checker = new DnsblChecker(dns, QUICK);

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private DnsblOutcome check(String client, DnsblZone... zones) {
        return checker.check(ip(client), List.of(zones)).await().atMost(WAIT);
    }

    private ZoneOutcome checkOne(String... codes) {
        dns.answer(BL_QUERY, DnsType.A, codes);
        return check("192.0.2.99", BL).zones().get(0);
    }

    // --- query names (RFC 5782 §2.1, §2.4) ---

    @Test
    void anIpv4ClientIsAskedAsItsReversedOctetsUnderTheZone() {
        dns.answer("2.0.0.127.bl.example", DnsType.A, "127.0.0.2");

        ZoneOutcome zone = check("127.0.0.2", BL).zones().get(0);

        assertThat(zone.query()).isEqualTo("2.0.0.127.bl.example");
        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
        assertThat(zone.listingCodes()).containsExactly("127.0.0.2");
    }

    @Test
    void anIpv6ClientIsAskedAsItsReversedNibbles() {
        String query = "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com";
        dns.answer(query, DnsType.A, "127.0.0.2");

        ZoneOutcome zone = check("2001:db8:1:2:3:4:567:89ab", DnsblZone.of("ugly.example.com")).zones().get(0);

        assertThat(zone.query()).isEqualTo(query);
        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
    }

    @Test
    void anIpv4MappedIpv6ClientIsAskedAsItsIpv4Address() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 99};
        dns.answer(BL_QUERY, DnsType.A, "127.0.0.4");

        DnsblOutcome outcome = checker.check(Inet6Address.getByAddress(null, mapped, -1), List.of(BL))
                .await().atMost(WAIT);

        assertThat(outcome.client()).isEqualTo("192.0.2.99");
        assertThat(outcome.zones().get(0).query()).isEqualTo(BL_QUERY);
        assertThat(outcome.listed()).isTrue();
    }

    @Test
    void aZoneIsNormalisedToLowerCaseWithoutTheRootDot() {
        dns.answer(BL_QUERY, DnsType.A, "127.0.0.2");

        ZoneOutcome zone = check("192.0.2.99", DnsblZone.of("BL.Example.")).zones().get(0);

        assertThat(zone.zone()).isEqualTo("bl.example");
        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
    }

    // --- statuses ---

    @Test
    void nxdomainIsNotListed() {
        DnsblOutcome outcome = check("192.0.2.99", BL);

        assertThat(outcome.zones().get(0).result()).isEqualTo(DnsblResult.NOT_LISTED);
        assertThat(outcome.listed()).isFalse();
        assertThat(outcome.explanation()).anySatisfy(l -> assertThat(l).contains(BL_QUERY).contains("nxdomain"));
    }

    @Test
    void aNameWithoutARecordsIsNotListed() {
        dns.status(BL_QUERY, DnsType.A, DnsStatus.NODATA);

        assertThat(check("192.0.2.99", BL).zones().get(0).result()).isEqualTo(DnsblResult.NOT_LISTED);
    }

    @ParameterizedTest
    @EnumSource(value = DnsStatus.class, names = {"FAILED", "BUSY", "TIMEOUT"})
    void everyTemporaryStatusIsTemperror(DnsStatus status) {
        dns.status(BL_QUERY, DnsType.A, status);

        DnsblOutcome outcome = check("192.0.2.99", BL);

        assertThat(outcome.zones().get(0).result()).isEqualTo(DnsblResult.TEMPERROR);
        assertThat(outcome.temperrorZones()).extracting(ZoneOutcome::zone).containsExactly("bl.example");
        assertThat(outcome.listed()).isFalse();
    }

    @Test
    void aStaleAnswerIsUsedAndSaidToBeStale() {
        dns.put(new DnsAnswer(BL_QUERY, DnsType.A, DnsStatus.STALE,
                List.of(new DnsRecordData(BL_QUERY, DnsType.A, 0, "127.0.0.2")), 600, null));

        ZoneOutcome zone = check("192.0.2.99", BL).zones().get(0);

        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
        assertThat(zone.explanation()).contains("stale");
    }

    // --- return codes ---

    @Test
    void anyLoopbackCodeIsAListingWhenTheZoneNamesNone() {
        ZoneOutcome zone = checkOne("127.0.0.10");

        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
        assertThat(zone.listingCodes()).containsExactly("127.0.0.10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.255.255.252", "127.255.255.254", "127.255.255.255", "127.255.255.1", "127.0.1.255"})
    void refusalAndErrorCodesOfPublicListsAreUnknownNotListed(String code) {
        ZoneOutcome zone = checkOne(code);

        assertThat(zone.result()).isEqualTo(DnsblResult.UNKNOWN);
        assertThat(zone.listingCodes()).isEmpty();
        assertThat(zone.codes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(ReturnCode.Kind.REFUSAL);
            assertThat(c.meaning()).contains("error code");
        });
    }

    @Test
    void aZoneAnswering127001IsUnknownBecauseThatIsNeverAListing() {
        ZoneOutcome zone = checkOne("127.0.0.1");

        assertThat(zone.result()).isEqualTo(DnsblResult.UNKNOWN);
        assertThat(zone.explanation()).contains("never a listing").contains("RFC 5782");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "10.0.0.2", "0.0.0.0", "128.0.0.2"})
    void anAddressOutsideLoopbackIsUnknownNotAListing(String code) {
        ZoneOutcome zone = checkOne(code);

        assertThat(zone.result()).isEqualTo(DnsblResult.UNKNOWN);
        assertThat(zone.codes().get(0).kind()).isEqualTo(ReturnCode.Kind.NOT_A_CODE);
        assertThat(zone.explanation()).contains("outside 127.0.0.0/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"listed", "127.0.0.2 extra", "127.0.0", "127.0.0.256", "::1", "127.0.0.2\u0000"})
    void garbageInAnARecordIsUnknown(String data) {
        ZoneOutcome zone = checkOne(data);

        assertThat(zone.result()).isEqualTo(DnsblResult.UNKNOWN);
        assertThat(zone.explanation()).doesNotContain("\u0000");
    }

    @Test
    void aHugeGarbageRecordIsShownCut() {
        ZoneOutcome zone = checkOne("x".repeat(10_000));

        assertThat(zone.result()).isEqualTo(DnsblResult.UNKNOWN);
        assertThat(zone.codes().get(0).code()).hasSizeLessThanOrEqualTo(64);
        assertThat(zone.explanation()).hasSizeLessThan(400);
    }

    @Test
    void aRefusalAmongListingCodesMakesTheAnswerUnknown() {
        assertThat(checkOne("127.0.0.2", "127.255.255.254").result()).isEqualTo(DnsblResult.UNKNOWN);
    }

    @Test
    void onlyTheConfiguredCodesCountWhenTheZoneNamesSome() {
        DnsblZone sblOnly = DnsblZone.of("bl.example", "127.0.0.2", "127.0.0.3");
        dns.answer(BL_QUERY, DnsType.A, "127.0.0.10");

        ZoneOutcome zone = check("192.0.2.99", sblOnly).zones().get(0);

        assertThat(zone.result()).isEqualTo(DnsblResult.NOT_LISTED);
        assertThat(zone.codes().get(0).kind()).isEqualTo(ReturnCode.Kind.OTHER_LISTING);
        assertThat(zone.explanation()).contains("127.0.0.10");
    }

    @Test
    void aConfiguredCodeAmongOthersIsAListingWithOnlyThatCode() {
        DnsblZone sblOnly = DnsblZone.of("bl.example", "127.0.0.2", "127.0.0.3");
        dns.answer(BL_QUERY, DnsType.A, "127.0.0.4", "127.0.0.3");

        ZoneOutcome zone = check("192.0.2.99", sblOnly).zones().get(0);

        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
        assertThat(zone.listingCodes()).containsExactly("127.0.0.3");
        assertThat(zone.codes()).hasSize(2);
    }

    @Test
    void recordsOfOtherTypesInTheAnswerAreIgnored() {
        dns.put(new DnsAnswer(BL_QUERY, DnsType.A, DnsStatus.ANSWER,
                List.of(new DnsRecordData(BL_QUERY, DnsType.CNAME, 300, "elsewhere.example")), 0, null));

        assertThat(check("192.0.2.99", BL).zones().get(0).result()).isEqualTo(DnsblResult.NOT_LISTED);
    }

    @Test
    void theCodesReadPerAnswerAreBounded() {
        String[] many = IntStream.range(0, 200).mapToObj(i -> "127.0.0." + (i % 250 + 2)).toArray(String[]::new);

        ZoneOutcome zone = checkOne(many);

        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
        assertThat(zone.codes()).hasSize(QUICK.maxCodes());
    }

    // --- reasons (TXT) ---

    @Test
    void aListingCarriesTheTxtRecordOfTheSameName() {
        dns.answer(BL_QUERY, DnsType.TXT, "Listed: see https://bl.example/lookup?ip=192.0.2.99");

        ZoneOutcome zone = checkOne("127.0.0.2");

        assertThat(zone.reason()).isEqualTo("Listed: see https://bl.example/lookup?ip=192.0.2.99");
        assertThat(zone.explanation()).contains("reason \"Listed: see");
        assertThat(dns.lookups()).isEqualTo(2);
    }

    @Test
    void severalTxtRecordsAreJoined() {
        dns.answer(BL_QUERY, DnsType.TXT, "first reason", "second reason");

        assertThat(checkOne("127.0.0.2").reason()).isEqualTo("first reason / second reason");
    }

    @Test
    void noTxtLookupIsMadeWhenTheClientIsNotListed() {
        check("192.0.2.99", BL);

        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void noTxtLookupIsMadeForAnUnknownAnswer() {
        checkOne("127.255.255.254");

        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void aTxtLookupThatTimesOutLeavesTheListingWithoutAReason() {
        dns.status(BL_QUERY, DnsType.TXT, DnsStatus.TIMEOUT);

        ZoneOutcome zone = checkOne("127.0.0.2");

        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
        assertThat(zone.reason()).isNull();
    }

    @Test
    void aHostileReasonIsMadePrintableAndCut() {
        DnsblChecker shortReasons = new DnsblChecker(dns, new DnsblLimits(Duration.ofMillis(200),
                Duration.ofMillis(200), 20, 16, 40));
        dns.answer(BL_QUERY, DnsType.A, "127.0.0.2");
        dns.answer(BL_QUERY, DnsType.TXT, "bad\r\nX-Injected: yes\u0000\u00e9" + "x".repeat(10_000));

        ZoneOutcome zone = shortReasons.check(ip("192.0.2.99"), List.of(BL)).await().atMost(WAIT).zones().get(0);

        assertThat(zone.reason()).hasSize(40).startsWith("bad??X-Injected: yes??x");
        assertThat(zone.reason()).doesNotContain("\r", "\n", "\u0000");
    }

    @Test
    void aZeroReasonDeadlineFetchesNoReason() {
        DnsblChecker noReasons = new DnsblChecker(dns, QUICK.withDeadlines(Duration.ofMillis(200), Duration.ZERO));
        dns.answer(BL_QUERY, DnsType.A, "127.0.0.2");
        dns.answer(BL_QUERY, DnsType.TXT, "a reason");

        ZoneOutcome zone = noReasons.check(ip("192.0.2.99"), List.of(BL)).await().atMost(WAIT).zones().get(0);

        assertThat(zone.result()).isEqualTo(DnsblResult.LISTED);
        assertThat(zone.reason()).isNull();
        assertThat(dns.lookups()).isEqualTo(1);
    }

    // --- several zones ---

    @Test
    void allZonesAreAskedTogether() {
        List<String> zones = List.of("one.example", "two.example", "three.example", "four.example");
        zones.forEach(z -> dns.answer("99.2.0.192." + z, DnsType.A, "127.0.0.2"));
        GatedResolver gated = new GatedResolver(dns, DnsType.A, zones.size());
        DnsblChecker together = new DnsblChecker(gated, DnsblLimits.DEFAULTS.withDeadlines(Duration.ofSeconds(3),
                Duration.ZERO));

        DnsblOutcome outcome = together.check(ip("192.0.2.99"), zones.stream().map(DnsblZone::of).toList())
                .await().atMost(WAIT);

        assertThat(gated.inFlight()).hasSize(4);
        assertThat(outcome.zones()).extracting(ZoneOutcome::result).containsOnly(DnsblResult.LISTED);
    }

    @Test
    void theOutcomeSeparatesListedTemperrorAndUnknownZonesInTheGivenOrder() {
        dns.answer("99.2.0.192.listing.example", DnsType.A, "127.0.0.2");
        dns.status("99.2.0.192.broken.example", DnsType.A, DnsStatus.FAILED);
        dns.answer("99.2.0.192.refusing.example", DnsType.A, "127.255.255.255");

        DnsblOutcome outcome = check("192.0.2.99", DnsblZone.of("clean.example"), DnsblZone.of("listing.example"),
                DnsblZone.of("broken.example"), DnsblZone.of("refusing.example"));

        assertThat(outcome.zones()).extracting(ZoneOutcome::zone)
                .containsExactly("clean.example", "listing.example", "broken.example", "refusing.example");
        assertThat(outcome.listedZones()).extracting(ZoneOutcome::zone).containsExactly("listing.example");
        assertThat(outcome.temperrorZones()).extracting(ZoneOutcome::zone).containsExactly("broken.example");
        assertThat(outcome.unknownZones()).extracting(ZoneOutcome::zone).containsExactly("refusing.example");
        assertThat(outcome.explanation()).hasSize(5);
    }

    @Test
    void aZoneGivenTwiceIsAskedOnce() {
        DnsblOutcome outcome = check("192.0.2.99", BL, DnsblZone.of("bl.example."), BL);

        assertThat(outcome.zones()).hasSize(1);
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void zonesPastTheLimitAreNotAskedAndAreUnknown() {
        DnsblChecker twoZones = new DnsblChecker(dns, new DnsblLimits(Duration.ofMillis(200), Duration.ZERO, 2, 16,
                300));

        DnsblOutcome outcome = twoZones.check(ip("192.0.2.99"), List.of(DnsblZone.of("a.example"),
                DnsblZone.of("b.example"), DnsblZone.of("c.example"))).await().atMost(WAIT);

        assertThat(dns.lookups()).isEqualTo(2);
        assertThat(outcome.zones().get(2).result()).isEqualTo(DnsblResult.UNKNOWN);
        assertThat(outcome.zones().get(2).explanation()).contains("not asked");
    }

    @Test
    void noZonesIsAnEmptyOutcomeWithoutLookups() {
        DnsblOutcome outcome = checker.check(ip("192.0.2.99"), List.of()).await().atMost(WAIT);

        assertThat(outcome.zones()).isEmpty();
        assertThat(outcome.listed()).isFalse();
        assertThat(dns.lookups()).isZero();
    }

    // --- a resolver that breaks its promise ---

    @Test
    void aResolverThatFailsOrThrowsGivesTemperrorNotAnException() {
        DnsResolver failing = (name, type, deadline) -> Uni.createFrom().failure(new IllegalStateException("boom"));
        DnsResolver throwing = (name, type, deadline) -> {
            throw new IllegalStateException("boom");
        };

        for (DnsResolver broken : List.of(failing, throwing)) {
            DnsblOutcome outcome = new DnsblChecker(broken, QUICK).check(ip("192.0.2.99"), List.of(BL))
                    .await().atMost(WAIT);
            assertThat(outcome.zones().get(0).result()).isEqualTo(DnsblResult.TEMPERROR);
        }
    }

    @Test
    void aResolverThatNeverAnswersGivesTemperrorSoonAfterTheDeadline() {
        DnsResolver silent = (name, type, deadline) -> Uni.createFrom().nothing();

        DnsblOutcome outcome = new DnsblChecker(silent, QUICK).check(ip("192.0.2.99"), List.of(BL))
                .await().atMost(Duration.ofSeconds(5));

        assertThat(outcome.zones().get(0).result()).isEqualTo(DnsblResult.TEMPERROR);
    }

    // --- configuration ---

    @ParameterizedTest
    @ValueSource(strings = {"", "single", "bad zone.example", "a..example", "*.example", "x.example/evil"})
    void aMalformedZoneNameIsRefusedAtConfiguration(String zone) {
        assertThatThrownBy(() -> DnsblZone.of(zone)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLongestZoneNameStillLeavesRoomForAnIpv6Query() {
        String longest = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(59) + ".example";
        assertThat(longest).hasSize(DnsblZone.MAX_ZONE);
        DnsblZone zone = DnsblZone.of(longest);

        ZoneOutcome outcome = check("2001:db8::1", zone).zones().get(0);

        assertThat(outcome.query()).hasSize(253);
        assertThat(outcome.result()).isEqualTo(DnsblResult.NOT_LISTED);
        assertThatThrownBy(() -> DnsblZone.of("d" + longest)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.255.255.254", "192.0.2.2", "127.0.0.02", "listed"})
    void aConfiguredCodeMustBeAListingCode(String code) {
        assertThatThrownBy(() -> DnsblZone.of("bl.example", code)).isInstanceOf(IllegalArgumentException.class);
    }
}
