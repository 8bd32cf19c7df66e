package org.securemail.ingest.inspect.dnsbl;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.DomainNames;
import org.securemail.dns.client.DnsResolver;
import org.securemail.ingest.inspect.net.IpAddress;
import org.securemail.ingest.inspect.net.IpLiterals;

/**
 * Forward-confirmed reverse DNS, the {@code iprev} method of RFC 8601 (§3): the PTR records of the client's address,
 * then the A (IPv4 client) or AAAA (IPv6 client) records of each PTR name, all at once; PASS when one of them holds
 * the client's address. Only valid host names are looked up, at most {@link FcrdnsLimits#maxPtrNames()}. The Uni never
 * fails. Thread-safe; one instance serves every check.
 */
public final class FcrdnsChecker {

    /** PTR data longer than this is no host name (253 characters and a trailing dot), and is not even parsed. */
    static final int MAX_NAME = 254;

    private final DnsResolver dns;
    private final FcrdnsLimits limits;

    public FcrdnsChecker(DnsResolver dns, FcrdnsLimits limits) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public Uni<FcrdnsOutcome> check(InetAddress client) {
        IpAddress address = IpAddress.of(Objects.requireNonNull(client, "client"));
        String reverse = address.reverseName();
        List<String> lines = new ArrayList<>();
        return Lookups.resolve(dns, reverse, DnsType.PTR, limits.lookupDeadline())
                .flatMap(ptr -> afterPtr(address, reverse, ptr, lines))
                .onFailure().recoverWithItem(failure -> {
                    lines.add("internal error: " + failure + " → temperror");
                    return new FcrdnsOutcome(FcrdnsResult.TEMPERROR, address.readable(), List.of(), List.of(), lines);
                });
    }

    private Uni<FcrdnsOutcome> afterPtr(IpAddress address, String reverse, DnsAnswer ptr, List<String> lines) {
        String client = address.readable();
        if (ptr.status().temporary()) {
            lines.add("PTR " + reverse + " → " + Lookups.describe(ptr) + " → temperror");
            return done(FcrdnsResult.TEMPERROR, client, List.of(), List.of(), lines);
        }
        long found = Lookups.count(ptr, DnsType.PTR);
        if (found == 0) {
            lines.add("PTR " + reverse + " → " + (ptr.status().usable() ? "no PTR record"
                    : ptr.status().name().toLowerCase(java.util.Locale.ROOT)) + " → none (iprev permerror)");
            return done(FcrdnsResult.NONE, client, List.of(), List.of(), lines);
        }
        // Read no more records than could possibly yield maxPtrNames names after a few bad ones.
        List<DnsRecordData> records = Lookups.records(ptr, DnsType.PTR,
                (int) Math.min(Integer.MAX_VALUE, 4L * limits.maxPtrNames()));
        Set<String> names = new LinkedHashSet<>();
        int invalid = 0;
        for (DnsRecordData record : records) {
            Optional<String> name = hostName(record.data());
            if (name.isEmpty()) {
                invalid++;
            } else if (names.size() < limits.maxPtrNames()) {
                names.add(name.get());
            }
        }
        lines.add("PTR " + reverse + " → " + found + " record(s), checking " + names.size()
                + (invalid > 0 ? ", " + invalid + " not a host name" : "")
                + (found > records.size() ? ", " + (found - records.size()) + " not read" : ""));
        if (names.isEmpty()) {
            lines.add("no PTR name to check → fail");
            return done(FcrdnsResult.FAIL, client, List.of(), List.of(), lines);
        }
        DnsType type = address.isV4() ? DnsType.A : DnsType.AAAA;
        List<String> ptrNames = List.copyOf(names);
        List<Uni<Forward>> forwards = ptrNames.stream()
                .map(name -> Lookups.resolve(dns, name, type, limits.lookupDeadline())
                        .map(answer -> forward(address, name, type, answer)))
                .toList();
        return Uni.join().all(forwards).andCollectFailures()
                .map(results -> decide(client, ptrNames, results, type, lines));
    }

    private FcrdnsOutcome decide(String client, List<String> ptrNames, List<Forward> results, DnsType type,
            List<String> lines) {
        List<String> verified = new ArrayList<>();
        boolean temporary = false;
        for (Forward f : results) {
            lines.add(type + " " + f.name() + " → " + f.seen() + (f.matches() ? " → confirmed" : ""));
            if (f.matches()) {
                verified.add(f.name());
            }
            temporary |= f.temporary();
        }
        FcrdnsResult result = !verified.isEmpty() ? FcrdnsResult.PASS
                : temporary ? FcrdnsResult.TEMPERROR : FcrdnsResult.FAIL;
        lines.add("result " + result.lowerName() + " (iprev " + result.iprevName() + ")");
        return new FcrdnsOutcome(result, client, ptrNames, verified, lines);
    }

    private Forward forward(IpAddress address, String name, DnsType type, DnsAnswer answer) {
        if (answer.status().temporary()) {
            return new Forward(name, false, true, Lookups.describe(answer));
        }
        List<DnsRecordData> records = Lookups.records(answer, type, limits.maxAddresses());
        if (records.isEmpty()) {
            String status = answer.status().usable() ? "no address"
                    : answer.status().name().toLowerCase(java.util.Locale.ROOT);
            return new Forward(name, false, false, status);
        }
        boolean matches = records.stream().anyMatch(r -> {
            byte[] bytes = IpLiterals.parse(r.data());
            return bytes != null && address.sameAs(bytes);
        });
        String seen = records.size() + " address(es)" + (answer.status() == DnsStatus.STALE ? " (stale)" : "");
        return new Forward(name, matches, false, matches ? seen : seen + ", not the client's");
    }

    /**
     * A PTR record's data as a host name to look up: lower case, without the trailing dot, A-labels, at least two
     * letter-digit-hyphen labels and a top label that is not all digits (so no address literal is looked up). Empty
     * for anything else, such as wildcards, underscores, spaces, control characters or over-long names.
     */
    static Optional<String> hostName(String data) {
        if (data == null || data.isBlank() || data.length() > MAX_NAME + 2) {
            return Optional.empty();
        }
        String text = data.trim();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.empty();
            }
        }
        Optional<String> name = DomainNames.normalise(text);
        return name.filter(n -> {
            String top = n.substring(n.lastIndexOf('.') + 1);
            return !top.chars().allMatch(Character::isDigit);
        });
    }

    private static Uni<FcrdnsOutcome> done(FcrdnsResult result, String client, List<String> ptrNames,
            List<String> verified, List<String> lines) {
        return Uni.createFrom().item(new FcrdnsOutcome(result, client, ptrNames, verified, lines));
    }

    /** One PTR name's forward lookup. */
    private record Forward(String name, boolean matches, boolean temporary, String seen) {
    }
}
