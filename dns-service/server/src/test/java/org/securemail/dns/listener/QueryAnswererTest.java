package org.securemail.dns.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;

/** The service's answer statuses as DNS response codes. */
class QueryAnswererTest {

    private static final List<DnsRecordData> MX = List.of(new DnsRecordData("example.org", DnsType.MX, 600, "10 mx.example.org"));

    private static Reply reply(DnsStatus status, List<DnsRecordData> records) {
        return QueryAnswerer.reply(new DnsAnswer("example.org", DnsType.MX, status, records, 0, null));
    }

    @Test
    void everyTemporaryStatusIsServfailWithoutRecords() {
        for (DnsStatus status : List.of(DnsStatus.FAILED, DnsStatus.BUSY, DnsStatus.TIMEOUT)) {
            assertThat(reply(status, List.of())).isEqualTo(Reply.of(ReplyCode.SERVFAIL));
        }
    }

    @Test
    void staleRecordsNeverCarryMoreThan30Seconds() {
        assertThat(reply(DnsStatus.STALE, MX).records()).singleElement()
                .satisfies(r -> assertThat(r.ttl()).isEqualTo(30));
        assertThat(reply(DnsStatus.ANSWER, MX).records()).singleElement()
                .satisfies(r -> assertThat(r.ttl()).isEqualTo(600));
    }

    @Test
    void negativeAnswersAreNxdomainOrEmptyNoerror() {
        assertThat(reply(DnsStatus.NXDOMAIN, List.of())).isEqualTo(Reply.of(ReplyCode.NXDOMAIN));
        assertThat(reply(DnsStatus.NODATA, List.of())).isEqualTo(Reply.of(ReplyCode.NOERROR));
    }
}
