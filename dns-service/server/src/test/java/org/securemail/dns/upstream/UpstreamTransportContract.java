package org.securemail.dns.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.testing.dns.TestDnsServer.Mode;

/** What every {@link UpstreamTransport} must do; run by the fake and by the Netty adapter against a real server. */
public interface UpstreamTransportContract {

    Duration TIMEOUT = Duration.ofMillis(700);

    UpstreamTransport transport();

    InetSocketAddress upstream();

    /** Sets how the upstream treats a zone. */
    void zone(String zone, Mode mode);

    /** Explicit records for (name, type). */
    void record(String name, DnsType type, long ttl, String... data);

    default UpstreamResponse ask(String name, DnsType type) {
        return transport().query(upstream(), name, type, TIMEOUT).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test
    default void answersWithRecordsAndTheirTtl() {
        zone("contract-a.test", Mode.ANSWER);
        record("www.contract-a.test", DnsType.A, 120, "192.0.2.10", "192.0.2.11");

        UpstreamResponse response = ask("www.contract-a.test", DnsType.A);

        assertThat(response.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.answers()).extracting(DnsRecordData::data).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11");
        assertThat(response.answers()).allSatisfy(r -> {
            assertThat(r.ttl()).isEqualTo(120);
            assertThat(r.name()).isEqualTo("www.contract-a.test");
            assertThat(r.type()).isEqualTo(DnsType.A);
        });
    }

    @Test
    default void decodesMxTxtAaaaAndTlsaInPresentationForm() {
        zone("contract-b.test", Mode.ANSWER);
        record("contract-b.test", DnsType.MX, 300, "10 mx1.contract-b.test.", "20 mx2.contract-b.test.");
        record("contract-b.test", DnsType.TXT, 300, "\"v=spf1 \" \"-all\"");
        record("v6.contract-b.test", DnsType.AAAA, 300, "2001:db8:0:0:0:0:0:1");
        record("_25._tcp.mx1.contract-b.test", DnsType.TLSA, 300, "3 1 1 0123456789abcdef");

        assertThat(ask("contract-b.test", DnsType.MX).answers()).extracting(DnsRecordData::data)
                .containsExactlyInAnyOrder("10 mx1.contract-b.test", "20 mx2.contract-b.test");
        assertThat(ask("contract-b.test", DnsType.TXT).answers()).extracting(DnsRecordData::data)
                .containsExactly("v=spf1 -all");
        assertThat(ask("v6.contract-b.test", DnsType.AAAA).answers()).extracting(DnsRecordData::data)
                .containsExactly("2001:db8::1");
        assertThat(ask("_25._tcp.mx1.contract-b.test", DnsType.TLSA).answers()).extracting(DnsRecordData::data)
                .containsExactly("3 1 1 0123456789abcdef");
    }

    @Test
    default void decodesPtrCnameNsAndSoa() {
        zone("contract-h.test", Mode.ANSWER);
        record("9.2.0.192.in-addr.contract-h.test", DnsType.PTR, 300, "mail.contract-h.test.");
        record("alias.contract-h.test", DnsType.CNAME, 300, "target.contract-h.test.");
        record("contract-h.test", DnsType.NS, 300, "ns1.contract-h.test.", "ns2.contract-h.test.");
        record("contract-h.test", DnsType.SOA, 300, "ns1.contract-h.test. hostmaster.contract-h.test. 7 3600 600 86400 300");

        assertThat(ask("9.2.0.192.in-addr.contract-h.test", DnsType.PTR).answers()).extracting(DnsRecordData::data)
                .containsExactly("mail.contract-h.test");
        assertThat(ask("alias.contract-h.test", DnsType.CNAME).answers()).extracting(DnsRecordData::data)
                .containsExactly("target.contract-h.test");
        assertThat(ask("contract-h.test", DnsType.NS).answers()).extracting(DnsRecordData::data)
                .containsExactlyInAnyOrder("ns1.contract-h.test", "ns2.contract-h.test");
        assertThat(ask("contract-h.test", DnsType.SOA).answers()).extracting(DnsRecordData::data)
                .containsExactly("ns1.contract-h.test hostmaster.contract-h.test 7 3600 600 86400 300");
    }

    @Test
    default void nxdomainCarriesTheNegativeTtlOfTheSoa() {
        zone("contract-c.test", Mode.NXDOMAIN);

        UpstreamResponse response = ask("nothing.contract-c.test", DnsType.A);

        assertThat(response.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(response.answers()).isEmpty();
        assertThat(response.negativeTtlSeconds()).isEqualTo(300);
    }

    @Test
    default void nodataIsNoErrorWithoutAnswers() {
        zone("contract-d.test", Mode.ANSWER);

        UpstreamResponse response = ask("contract-d.test", DnsType.CNAME);

        assertThat(response.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.answers()).isEmpty();
        assertThat(response.negativeTtlSeconds()).isEqualTo(300);
    }

    @Test
    default void servfailAndRefusedAreReportedAsRcodes() {
        zone("contract-e.test", Mode.SERVFAIL);
        zone("contract-f.test", Mode.REFUSED);

        assertThat(ask("x.contract-e.test", DnsType.A).rcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("x.contract-f.test", DnsType.A).rcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    default void aZoneThatNeverAnswersTimesOutWithinTheTimeout() {
        zone("contract-g.test", Mode.DEAD);
        long start = System.nanoTime();

        assertThatThrownBy(() -> ask("x.contract-g.test", DnsType.A))
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(UpstreamTimeoutException.class);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 50).isLessThan(TIMEOUT.toMillis() + 1500);
    }
}
