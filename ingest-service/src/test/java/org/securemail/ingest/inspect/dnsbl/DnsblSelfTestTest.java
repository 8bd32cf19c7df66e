package org.securemail.ingest.inspect.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.inspect.dnsbl.DnsblCheckerTest.QUICK;
import static org.securemail.ingest.inspect.dnsbl.DnsblCheckerTest.WAIT;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** The RFC 5782 §5 test points: 127.0.0.2 must be listed, 127.0.0.1 must not. */
class DnsblSelfTestTest {

    private static final String TEST_ENTRY = "2.0.0.127.bl.example";
    private static final String ABSENT_ENTRY = "1.0.0.127.bl.example";

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    private final DnsblChecker checker = new DnsblChecker(dns, QUICK);

    private ZoneHealth selfTest(DnsblZone zone) {
        return checker.selfTest(zone).await().atMost(WAIT);
    }

    @Test
    void aZoneListingTheTestEntryAndNot127001IsHealthy() {
        dns.answer(TEST_ENTRY, DnsType.A, "127.0.0.2");

        ZoneHealth health = selfTest(DnsblZone.of("bl.example"));

        assertThat(health.healthy()).isTrue();
        assertThat(health.problems()).isEmpty();
        assertThat(health.testEntry().query()).isEqualTo(TEST_ENTRY);
        assertThat(health.absentEntry().query()).isEqualTo(ABSENT_ENTRY);
    }

    @Test
    void aZoneWithoutTheTestEntryIsUnhealthy() {
        ZoneHealth health = selfTest(DnsblZone.of("bl.example"));

        assertThat(health.healthy()).isFalse();
        assertThat(health.problems()).singleElement().asString().contains("127.0.0.2 is not listed");
    }

    @Test
    void aZoneListingEverythingIsUnhealthy() {
        dns.answer(TEST_ENTRY, DnsType.A, "127.0.0.2");
        dns.answer(ABSENT_ENTRY, DnsType.A, "127.0.0.2");

        ZoneHealth health = selfTest(DnsblZone.of("bl.example"));

        assertThat(health.healthy()).isFalse();
        assertThat(health.absentEntry().result()).isEqualTo(DnsblResult.LISTED);
        assertThat(health.problems()).singleElement().asString().contains("lists everything");
    }

    @Test
    void aZoneRefusingOurQueriesIsUnhealthyWithTheReason() {
        dns.answer(TEST_ENTRY, DnsType.A, "127.255.255.254");
        dns.answer(ABSENT_ENTRY, DnsType.A, "127.255.255.254");

        ZoneHealth health = selfTest(DnsblZone.of("bl.example"));

        assertThat(health.healthy()).isFalse();
        assertThat(health.testEntry().result()).isEqualTo(DnsblResult.UNKNOWN);
        assertThat(health.problems()).hasSize(2)
                .allSatisfy(p -> assertThat(p).contains("public or open resolver"));
    }

    @Test
    void aZoneAnswering127001ForTheTestEntryIsUnhealthy() {
        dns.answer(TEST_ENTRY, DnsType.A, "127.0.0.1");

        ZoneHealth health = selfTest(DnsblZone.of("bl.example"));

        assertThat(health.healthy()).isFalse();
        assertThat(health.testEntry().result()).isEqualTo(DnsblResult.UNKNOWN);
    }

    @Test
    void theTestEntryCountsWhateverCodesTheZoneIsConfiguredWith() {
        dns.answer(TEST_ENTRY, DnsType.A, "127.0.0.2");

        ZoneHealth health = selfTest(DnsblZone.of("bl.example", "127.0.0.10", "127.0.0.11"));

        assertThat(health.healthy()).isTrue();
    }

    @Test
    void aZoneThatCannotBeAskedNowIsUnhealthyForNow() {
        dns.status(TEST_ENTRY, DnsType.A, DnsStatus.TIMEOUT);

        ZoneHealth health = selfTest(DnsblZone.of("bl.example"));

        assertThat(health.healthy()).isFalse();
        assertThat(health.testEntry().result()).isEqualTo(DnsblResult.TEMPERROR);
        assertThat(health.problems()).singleElement().asString().contains("could not be asked");
    }

    @Test
    void theIpv6SelfTestAsksTheMappedLoopbackTestPointsAsNibbles() {
        // ::ffff:7f00:2 reversed: 0002, 7f00 and ffff nibble by nibble, then twenty zero nibbles
        String rest = "f.f.f.f" + ".0".repeat(20);
        String testEntry = "2.0.0.0.0.0.f.7." + rest + ".bl6.example";
        dns.answer(testEntry, DnsType.A, "127.0.0.2");

        ZoneHealth health = checker.selfTestIpv6(DnsblZone.of("bl6.example")).await().atMost(WAIT);

        assertThat(health.testEntry().query()).isEqualTo(testEntry);
        assertThat(health.absentEntry().query()).isEqualTo("1.0.0.0.0.0.f.7." + rest + ".bl6.example");
        assertThat(health.healthy()).isTrue();
    }
}
