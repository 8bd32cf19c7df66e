package org.securemail.dns.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsQuery;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.upstream.FakeUpstream;
import org.securemail.testing.dns.TestDnsServer.Mode;

/** ADR 0091: an MX answer to a request carries the addresses of its exchanges, within bounds. */
class MxAddressesTest {

    private final FakeUpstream upstream = new FakeUpstream();
    private TestEngine engine;

    private TestEngine engine(String... properties) {
        engine = new TestEngine(upstream, properties);
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private DnsAnswer request(String name, DnsType type, Duration deadline) {
        return engine.lookups.answer(new DnsQuery(name, type, System.currentTimeMillis() + deadline.toMillis()))
                .await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void anMxAnswerCarriesTheCacheEntriesOfItsExchangesAddresses() {
        upstream.zone("example.org", Mode.ANSWER)
                .record("example.org", DnsType.MX, 600, "20 mx2.example.org", "10 mx1.example.org")
                .record("mx1.example.org", DnsType.A, 300, "192.0.2.1")
                .record("mx1.example.org", DnsType.AAAA, 300, "2001:db8::1")
                .record("mx2.example.org", DnsType.A, 300, "192.0.2.2");
        engine();

        DnsAnswer answer = request("example.org", DnsType.MX, Duration.ofSeconds(5));

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.additional()).extracting(DnsCacheEntry::key).containsExactlyInAnyOrder(
                "A/mx1.example.org", "AAAA/mx1.example.org", "A/mx2.example.org", "AAAA/mx2.example.org");
        DnsCacheEntry a = answer.additional().stream().filter(e -> e.key().equals("A/mx1.example.org")).findFirst()
                .orElseThrow();
        assertThat(a.records()).extracting(DnsRecordData::data).containsExactly("192.0.2.1");
        // mx2 has no AAAA: the negative answer is data too, so the caller does not ask for it either
        assertThat(answer.additional()).filteredOn(e -> e.key().equals("AAAA/mx2.example.org"))
                .extracting(DnsCacheEntry::status).containsExactly(DnsStatus.NODATA);
        // exactly what the cache holds (and dns.cache carries)
        assertThat(answer.additional()).allSatisfy(e -> assertThat(engine.cache.get(e.type(), e.name()).entry())
                .isEqualTo(e));
    }

    @Test
    void onlyAnMxRequestGetsTheSection() {
        upstream.zone("example.org", Mode.ANSWER).record("mx1.example.org", DnsType.A, 300, "192.0.2.1");
        engine();

        assertThat(request("mx1.example.org", DnsType.A, Duration.ofSeconds(5)).additional()).isEmpty();
        // the engine's own lookups (the DNS listener, the HTTP API) never wait for it
        assertThat(engine.resolve("example.org", DnsType.MX).additional()).isEmpty();
    }

    @Test
    void anExchangeInAZoneThatDoesNotAnswerCostsTheAnswerAtMostTheMaximumWait() {
        upstream.zone("example.org", Mode.ANSWER)
                .record("example.org", DnsType.MX, 600, "10 mx.example.org", "20 mx.dead.example")
                .record("mx.example.org", DnsType.A, 300, "192.0.2.1");
        upstream.zone("dead.example", Mode.DEAD);
        engine("dns.mx-addresses.max-wait", "300ms", "dns.timeouts.query", "20s");

        long start = System.nanoTime();
        DnsAnswer answer = request("example.org", DnsType.MX, Duration.ofSeconds(30));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.records()).hasSize(2);
        // the answering exchange is there, the silent one is left to the caller
        assertThat(answer.additional()).extracting(DnsCacheEntry::key)
                .contains("A/mx.example.org").noneMatch(k -> k.endsWith("dead.example"));
        // far less than the silent zone's 20 s query timeout
        assertThat(tookMs).isLessThan(10_000);
    }

    /** A hostile zone with 200 exchanges causes the lookups of the first four, no more. */
    @Test
    void onlyTheMostPreferredExchangesUpToTheBoundAreLookedUp() {
        String[] mx = IntStream.range(0, 200).mapToObj(i -> (200 - i) + " mx" + i + ".example.org")
                .toArray(String[]::new);
        upstream.zone("example.org", Mode.ANSWER).record("example.org", DnsType.MX, 600, mx);
        engine();

        DnsAnswer answer = request("example.org", DnsType.MX, Duration.ofSeconds(5));

        assertThat(upstream.queries()).isEqualTo(1 + 4 * 2);
        assertThat(answer.additional()).extracting(DnsCacheEntry::name).containsOnly(
                "mx199.example.org", "mx198.example.org", "mx197.example.org", "mx196.example.org");
    }

    @Test
    void theExchangesAreParsedInPreferenceOrderWithoutNullMxLiteralsAndMalformedRecords() {
        List<DnsRecordData> records = List.of(
                new DnsRecordData("example.org", DnsType.MX, 60, "30 C.example.org."),
                new DnsRecordData("example.org", DnsType.MX, 60, "10 a.example.org"),
                new DnsRecordData("example.org", DnsType.MX, 60, "0 ."),
                new DnsRecordData("example.org", DnsType.MX, 60, "5 192.0.2.7"),
                new DnsRecordData("example.org", DnsType.MX, 60, "x b.example.org"),
                new DnsRecordData("example.org", DnsType.MX, 60, "20 a.example.org"),
                new DnsRecordData("example.org", DnsType.CNAME, 60, "other.example.org"));

        assertThat(MxAddresses.exchanges(records, 4)).containsExactly("a.example.org", "c.example.org");
        assertThat(MxAddresses.exchanges(records, 1)).containsExactly("a.example.org");
    }

    @Test
    void turnedOffTheAnswerIsTheMxAlone() {
        upstream.zone("example.org", Mode.ANSWER).record("example.org", DnsType.MX, 600, "10 mx.example.org");
        engine("dns.mx-addresses.enabled", "false");

        assertThat(request("example.org", DnsType.MX, Duration.ofSeconds(5)).additional()).isEmpty();
        assertThat(upstream.queries()).isEqualTo(1);
    }
}
