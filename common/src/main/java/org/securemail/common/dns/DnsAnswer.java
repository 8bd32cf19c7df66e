package org.securemail.common.dns;

import java.util.List;

/**
 * The reply to a {@link DnsQuery}.
 *
 * @param name       the name asked for
 * @param type       the type asked for
 * @param status     what kind of answer this is
 * @param records    the records with their remaining TTL (empty unless {@link DnsStatus#usable()})
 * @param ageSeconds seconds since the data was obtained from an upstream (0 for a fresh lookup)
 * @param detail     a short human-readable reason for FAILED/BUSY/TIMEOUT, else null
 */
public record DnsAnswer(String name, DnsType type, DnsStatus status, List<DnsRecordData> records, long ageSeconds,
        String detail) {

    public DnsAnswer {
        records = records == null ? List.of() : List.copyOf(records);
    }

    public static DnsAnswer timeout(String name, DnsType type, String detail) {
        return new DnsAnswer(name, type, DnsStatus.TIMEOUT, List.of(), 0, detail);
    }
}
