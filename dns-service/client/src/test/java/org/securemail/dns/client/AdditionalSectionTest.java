package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;

/** ADR 0091: what the client takes from an MX answer's additional section, and what it refuses. */
class AdditionalSectionTest {

    private final LocalDnsCache local = new LocalDnsCache(1000);
    private final long now = System.currentTimeMillis();

    private DnsCacheEntry entry(String name, DnsType type) {
        return new DnsCacheEntry(name, type, DnsStatus.ANSWER,
                List.of(new DnsRecordData(name, type, 300, type == DnsType.TXT ? "v=spf1 +all" : "192.0.2.1")),
                now, now + 300_000, now + 86_400_000, 0, 0, null);
    }

    private static DnsAnswer answer(DnsType type, List<DnsCacheEntry> additional) {
        return new DnsAnswer("example.org", type, DnsStatus.ANSWER, List.of(), 0, null, additional);
    }

    @Test
    void theAddressesOfAnMxAnswerAreServedLocally() {
        KafkaDnsResolver.keepAdditional(answer(DnsType.MX, List.of(entry("mx.example.org", DnsType.A),
                entry("mx.example.org", DnsType.AAAA))), local);

        assertThat(local.fresh("mx.example.org", DnsType.A, now)).isPresent();
        assertThat(local.fresh("mx.example.org", DnsType.AAAA, now)).isPresent();
    }

    /** A section may only add addresses, only from an MX answer, and only so many. */
    @Test
    void otherTypesOtherAnswersAndAnOversizedSectionAreRefused() {
        List<DnsCacheEntry> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(entry("mx" + i + ".example.org", DnsType.A));
        }
        many.add(0, entry("example.org", DnsType.TXT));

        KafkaDnsResolver.keepAdditional(answer(DnsType.MX, many), local);
        KafkaDnsResolver.keepAdditional(answer(DnsType.A, List.of(entry("other.example.org", DnsType.A))), local);

        assertThat(local.fresh("example.org", DnsType.TXT, now)).isEmpty();
        assertThat(local.fresh("other.example.org", DnsType.A, now)).isEmpty();
        assertThat(local.size()).isEqualTo(KafkaDnsResolver.MAX_ADDITIONAL);
    }
}
