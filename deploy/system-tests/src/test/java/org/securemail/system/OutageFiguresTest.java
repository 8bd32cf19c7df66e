package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parsing behind {@link OutageIT}'s phase summary: Prometheus text and deferral replies. */
class OutageFiguresTest {

    private static final String METRICS = """
            # HELP dns_inflight resolutions in flight
            # TYPE dns_inflight gauge
            dns_inflight 7.0
            dns_upstream_inflight{upstream="127.0.0.1:5301"} 12.0
            dns_upstream_inflight{upstream="127.0.0.1:5302"} 31.0
            dns_queries_shed_total{cap="slow-budget"} 5.0
            dns_queries_shed_total{cap="zone"} 2.0
            dns_queries_shed_total{cap="slow-budget",other="x"} 1.0
            """;

    @Test
    void gaugesTakeTheHighestSeriesAndCountersTheSum() {
        var values = DnsSampler.parse(METRICS);
        assertThat(values).containsEntry("dns_inflight", 7.0)
                .containsEntry("dns_upstream_inflight", 31.0)
                .containsEntry("dns_queries_shed_total", 8.0)
                .doesNotContainKey("#");
    }

    @Test
    void seriesAreSummedByOneLabel() {
        assertThat(DnsSampler.byLabel(METRICS, "dns_queries_shed_total", "cap"))
                .containsEntry("slow-budget", 6L).containsEntry("zone", 2L).hasSize(2);
        assertThat(DnsSampler.byLabel(METRICS, "dns_answers_total", "status")).isEmpty();
    }

    @Test
    void deferralRepliesAreGroupedWithoutNamesAddressesAndNumbers() {
        String a = DeferralTally.normalize("451 4.4.3 name=r8f3k.hosted-07.test type=MX: FAILED (timeout from 127.0.0.1:5301)");
        String b = DeferralTally.normalize("451 4.4.3 name=rzz9.hosted-02.test type=MX: FAILED (timeout from 127.0.0.1:6102)");
        assertThat(a).isEqualTo(b).isEqualTo("N N.N.N name=hosted-NN.test type=MX: FAILED (timeout from IP:PORT)");
        assertThat(DeferralTally.normalize("451 4.4.3 name=healthy-12.test: BUSY"))
                .isEqualTo("N N.N.N name=healthy-NN.test: BUSY");
    }
}
