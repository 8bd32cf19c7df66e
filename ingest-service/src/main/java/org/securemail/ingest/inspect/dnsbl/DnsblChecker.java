package org.securemail.ingest.inspect.dnsbl;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.ingest.inspect.net.IpAddress;

/**
 * The blocklist check of the inspection stage (RFC 5782): asks each zone for the A record of the client's reversed
 * address, all zones at once, each with {@link DnsblLimits#lookupDeadline()}; for a listing it then asks the TXT
 * record of the same name for the reason (optional, {@link DnsblLimits#reasonDeadline()}). Return codes are read by
 * {@link ReturnCodes}: refusals and errors of public lists are {@link DnsblResult#UNKNOWN}, never a listing. The Uni
 * never fails. Thread-safe; one instance serves every check.
 */
public final class DnsblChecker {

    /** The most TXT records joined into a reason. */
    static final int MAX_REASON_RECORDS = 4;

    private static final byte[] TEST_ENTRY_V4 = {127, 0, 0, 2};
    private static final byte[] ABSENT_ENTRY_V4 = {127, 0, 0, 1};

    private final DnsResolver dns;
    private final DnsblLimits limits;

    public DnsblChecker(DnsResolver dns, DnsblLimits limits) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Asks every zone about the client. A zone given twice is asked once; zones past {@link DnsblLimits#maxZones()}
     * are not asked and come back UNKNOWN. An IPv4-mapped IPv6 client is asked about as its IPv4 address.
     */
    public Uni<DnsblOutcome> check(InetAddress client, List<DnsblZone> zones) {
        IpAddress address = IpAddress.of(Objects.requireNonNull(client, "client"));
        Map<String, DnsblZone> unique = new LinkedHashMap<>();
        for (DnsblZone zone : zones == null ? List.<DnsblZone>of() : zones) {
            if (zone != null) {
                unique.putIfAbsent(zone.zone(), zone);
            }
        }
        if (unique.isEmpty()) {
            return Uni.createFrom().item(new DnsblOutcome(address.readable(), List.of(),
                    List.of("no zones to ask about " + address)));
        }
        List<Uni<ZoneOutcome>> asks = new ArrayList<>();
        for (DnsblZone zone : unique.values()) {
            if (asks.size() < limits.maxZones()) {
                asks.add(ask(address, zone));
            } else {
                asks.add(Uni.createFrom().item(new ZoneOutcome(zone.zone(), null, DnsblResult.UNKNOWN, List.of(),
                        null, zone.zone() + ": not asked, more than " + limits.maxZones() + " zones → unknown")));
            }
        }
        return Uni.join().all(asks).andCollectFailures()
                .map(outcomes -> {
                    List<String> lines = new ArrayList<>();
                    lines.add("client " + address + ", " + outcomes.size() + " zone(s)");
                    outcomes.forEach(o -> lines.add(o.explanation()));
                    return new DnsblOutcome(address.readable(), outcomes, lines);
                });
    }

    /**
     * The RFC 5782 §5 self-test of an IPv4 zone, for an operator: {@code 2.0.0.127.<zone>} must be listed and
     * {@code 1.0.0.127.<zone>} must not. Any listing code counts for the test entry, whatever codes the zone is
     * configured with.
     */
    public Uni<ZoneHealth> selfTest(DnsblZone zone) {
        return selfTest(zone, IpAddress.exactly(TEST_ENTRY_V4), IpAddress.exactly(ABSENT_ENTRY_V4));
    }

    /** The self-test of an IPv6 zone: {@code ::ffff:7f00:2} must be listed and {@code ::ffff:7f00:1} must not (§5). */
    public Uni<ZoneHealth> selfTestIpv6(DnsblZone zone) {
        return selfTest(zone, IpAddress.exactly(mapped(TEST_ENTRY_V4)),
                IpAddress.exactly(mapped(ABSENT_ENTRY_V4)));
    }

    private Uni<ZoneHealth> selfTest(DnsblZone zone, IpAddress testEntry, IpAddress absentEntry) {
        DnsblZone anyCode = DnsblZone.of(Objects.requireNonNull(zone, "zone").zone());
        return Uni.combine().all().unis(ask(testEntry, anyCode), ask(absentEntry, anyCode)).asTuple()
                .map(both -> health(anyCode.zone(), testEntry, both.getItem1(), absentEntry, both.getItem2()));
    }

    private static ZoneHealth health(String zone, IpAddress testAddress, ZoneOutcome test,
            IpAddress absentAddress, ZoneOutcome absent) {
        List<String> problems = new ArrayList<>();
        switch (test.result()) {
            case LISTED -> { }
            case NOT_LISTED -> problems.add("the test entry " + testAddress + " is not listed: the zone is empty,"
                    + " gone or not a DNSBL (RFC 5782 §5 requires it) — " + test.explanation());
            case UNKNOWN -> problems.add("the test entry " + testAddress + " gave no listing: the list refuses our"
                    + " queries or answers errors — " + test.explanation());
            case TEMPERROR -> problems.add("the test entry " + testAddress + " could not be asked now — "
                    + test.explanation());
        }
        switch (absent.result()) {
            case NOT_LISTED -> { }
            case LISTED -> problems.add(absentAddress + " is listed: the zone lists everything, do not use it"
                    + " (RFC 5782 §5 forbids it) — " + absent.explanation());
            case UNKNOWN -> problems.add(absentAddress + " gave a refusal or error code — " + absent.explanation());
            case TEMPERROR -> problems.add(absentAddress + " could not be asked now — " + absent.explanation());
        }
        return new ZoneHealth(zone, test, absent, problems.isEmpty(), problems);
    }

    private Uni<ZoneOutcome> ask(IpAddress address, DnsblZone zone) {
        String query = address.reversedUnder(zone.zone());
        return Lookups.resolve(dns, query, DnsType.A, limits.lookupDeadline())
                .map(answer -> read(zone, query, answer))
                .flatMap(outcome -> outcome.result() == DnsblResult.LISTED && limits.fetchesReasons()
                        ? reason(outcome)
                        : Uni.createFrom().item(outcome))
                .onFailure().recoverWithItem(failure -> new ZoneOutcome(zone.zone(), query, DnsblResult.TEMPERROR,
                        List.of(), null, zone.zone() + ": " + query + " → internal error " + failure + " → temperror"));
    }

    /** How one zone's A answer reads. */
    private ZoneOutcome read(DnsblZone zone, String query, DnsAnswer answer) {
        String asked = zone.zone() + ": " + query + " → ";
        DnsStatus status = answer.status();
        if (status.temporary()) {
            return new ZoneOutcome(zone.zone(), query, DnsblResult.TEMPERROR, List.of(), null,
                    asked + Lookups.describe(answer) + " → temperror");
        }
        if (status == DnsStatus.NXDOMAIN || status == DnsStatus.NODATA) {
            return new ZoneOutcome(zone.zone(), query, DnsblResult.NOT_LISTED, List.of(), null,
                    asked + status.name().toLowerCase(java.util.Locale.ROOT) + " → not listed");
        }
        String stale = status == DnsStatus.STALE ? " (stale answer)" : "";
        List<ReturnCode> codes = Lookups.records(answer, DnsType.A, limits.maxCodes()).stream()
                .map(r -> ReturnCodes.read(r.data(), zone.listedCodes()))
                .toList();
        if (codes.isEmpty()) {
            return new ZoneOutcome(zone.zone(), query, DnsblResult.NOT_LISTED, List.of(), null,
                    asked + "no A record" + stale + " → not listed");
        }
        String read = codes.stream().map(c -> c.code() + " (" + c.meaning() + ")").collect(Collectors.joining(", "));
        DnsblResult result;
        if (codes.stream().anyMatch(c -> c.kind() == ReturnCode.Kind.REFUSAL
                || c.kind() == ReturnCode.Kind.NOT_A_CODE)) {
            result = DnsblResult.UNKNOWN;
        } else if (codes.stream().anyMatch(c -> c.kind() == ReturnCode.Kind.LISTING)) {
            result = DnsblResult.LISTED;
        } else {
            result = DnsblResult.NOT_LISTED;
        }
        return new ZoneOutcome(zone.zone(), query, result, codes, null,
                asked + read + stale + " → " + result.lowerName().replace('_', ' '));
    }

    private Uni<ZoneOutcome> reason(ZoneOutcome listed) {
        return Lookups.resolve(dns, listed.query(), DnsType.TXT, limits.reasonDeadline())
                .map(txt -> listed.withReason(reasonText(txt)));
    }

    /** The TXT records joined with " / ", printable, cut at the limit; null when there are none. */
    private String reasonText(DnsAnswer txt) {
        List<DnsRecordData> records = Lookups.records(txt, DnsType.TXT, MAX_REASON_RECORDS);
        if (records.isEmpty()) {
            return null;
        }
        String joined = records.stream()
                .map(r -> ReturnCodes.printable(r.data().trim(), limits.maxReasonLength()))
                .collect(Collectors.joining(" / "));
        String text = ReturnCodes.printable(joined, limits.maxReasonLength());
        return text.isBlank() ? null : text;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }
}
