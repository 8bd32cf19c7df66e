package org.securemail.ingest.inspect.spf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.ingest.inspect.net.IpAddress;
import org.securemail.ingest.inspect.net.IpLiterals;

/**
 * The state of one check: its lookups with their deadlines, the two counters of RFC 7208 §4.6.4, the trace, and the
 * client's validated names (looked up once, shared by {@code ptr} and {@code %{p}}). The check is one chain of Unis,
 * so the steps run one after another; the counters are atomic only because they may run on different threads.
 */
final class Evaluation {

    private final DnsResolver dns;
    private final SpfLimits limits;
    private final Trace trace = new Trace();
    private volatile long deadlineNanos;
    private final AtomicInteger dnsTerms = new AtomicInteger();
    private final AtomicInteger voidLookups = new AtomicInteger();
    private final IpAddress client;
    private Uni<PtrNames> ptrNames;

    Evaluation(DnsResolver dns, SpfLimits limits, IpAddress client) {
        this.dns = dns;
        this.limits = limits;
        this.client = client;
        start();
    }

    /** Starts the check's clock; called again when the check's Uni is subscribed to, which may be later. */
    void start() {
        this.deadlineNanos = System.nanoTime() + limits.checkDeadline().toNanos();
    }

    SpfLimits limits() {
        return limits;
    }

    IpAddress client() {
        return client;
    }

    void trace(int depth, String line) {
        trace.add(depth, line);
    }

    List<String> traceLines() {
        return trace.snapshot();
    }

    /** One lookup, by the per-lookup deadline or what is left of the check's, whichever comes first. */
    Uni<DnsAnswer> lookup(String name, DnsType type) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return Uni.createFrom().item(DnsAnswer.timeout(name, type, "the check's deadline has passed"));
        }
        Duration deadline = Duration.ofNanos(Math.min(left, limits.lookupDeadline().toNanos()));
        return dns.resolve(name, type, deadline);
    }

    /** Lookups run together; the answers in the order of {@code names}. */
    Uni<List<DnsAnswer>> lookupAll(List<String> names, DnsType type) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<DnsAnswer>> lookups = new ArrayList<>(names.size());
        for (String name : names) {
            lookups.add(lookup(name, type));
        }
        return Uni.join().all(lookups).andCollectFailures();
    }

    /** The address type to fetch for the client: A for IPv4 (mapped ones included), AAAA for IPv6. */
    DnsType addressType() {
        return client.isV4() ? DnsType.A : DnsType.AAAA;
    }

    /** Counts a term that queries DNS; false when that makes more than the limit (permerror). */
    boolean countDnsTerm(int depth, String term) {
        int count = dnsTerms.incrementAndGet();
        if (count > limits.maxDnsTerms()) {
            trace(depth, term + ": DNS-querying term " + count + ", more than " + limits.maxDnsTerms()
                    + " (RFC 7208 §4.6.4) → permerror");
            return false;
        }
        return true;
    }

    /** Counts a term whose lookup found nothing; false when that makes more than the limit (permerror). */
    boolean countVoidLookup(int depth, String term) {
        int count = voidLookups.incrementAndGet();
        if (count > limits.maxVoidLookups()) {
            trace(depth, term + ": void lookup " + count + ", more than " + limits.maxVoidLookups()
                    + " (RFC 7208 §4.6.4) → permerror");
            return false;
        }
        return true;
    }

    String counters() {
        return "DNS-querying terms " + dnsTerms.get() + "/" + limits.maxDnsTerms() + ", void lookups "
                + voidLookups.get() + "/" + limits.maxVoidLookups();
    }

    /**
     * The client's validated names (§5.5), looked up once per check: the PTR names (the first
     * {@link SpfLimits#maxPtrNames} of them), each kept when one of its addresses is the client. A failed PTR lookup
     * gives no names; a failed address lookup drops that name.
     */
    synchronized Uni<PtrNames> ptrNames(int depth) {
        if (ptrNames == null) {
            ptrNames = resolvePtrNames(depth).memoize().indefinitely();
        }
        return ptrNames;
    }

    private Uni<PtrNames> resolvePtrNames(int depth) {
        String reverse = client.reverseName();
        return lookup(reverse, DnsType.PTR).flatMap(answer -> {
            if (!answer.status().usable() || answer.records().isEmpty()) {
                boolean isVoid = !answer.status().temporary();
                trace(depth, "PTR " + reverse + ": " + describe(answer));
                return Uni.createFrom().item(new PtrNames(List.of(), isVoid));
            }
            List<String> names = new ArrayList<>();
            for (DnsRecordData record : answer.records()) {
                String name = SpfDomains.fromRecord(record.data());
                if (SpfDomains.isQueryName(name) && !names.contains(name)) {
                    names.add(name);
                }
            }
            if (names.size() > limits.maxPtrNames()) {
                trace(depth, "PTR " + reverse + ": " + names.size() + " names, only the first "
                        + limits.maxPtrNames() + " are used (RFC 7208 §4.6.4)");
                names = names.subList(0, limits.maxPtrNames());
            }
            List<String> candidates = List.copyOf(names);
            return lookupAll(candidates, addressType()).map(answers -> {
                List<String> validated = new ArrayList<>();
                for (int i = 0; i < candidates.size(); i++) {
                    if (containsClient(answers.get(i), 32, 128)) {
                        validated.add(candidates.get(i));
                    }
                }
                trace(depth, "PTR " + reverse + ": " + candidates + ", validated " + validated);
                return new PtrNames(validated, false);
            });
        });
    }

    /** Whether an A/AAAA answer holds an address in the client's network of the given prefix length. */
    boolean containsClient(DnsAnswer answer, int prefix4, int prefix6) {
        if (!answer.status().usable()) {
            return false;
        }
        for (DnsRecordData record : answer.records()) {
            byte[] address = client.isV4() ? IpLiterals.parseV4(record.data().trim())
                    : IpLiterals.parseV6(record.data().trim());
            if (address != null && client.inNetwork(address, client.isV4() ? prefix4 : prefix6)) {
                return true;
            }
        }
        return false;
    }

    /** A short description of an answer for the trace. */
    static String describe(DnsAnswer answer) {
        return switch (answer.status()) {
            case ANSWER, STALE -> {
                List<String> data = answer.records().stream().limit(12).map(DnsRecordData::data).toList();
                String more = answer.records().size() > data.size() ? " ..." : "";
                yield (answer.status() == DnsStatus.STALE ? "stale " : "")
                        + (data.isEmpty() ? "no records" : String.join(", ", data) + more);
            }
            case NXDOMAIN -> "NXDOMAIN";
            case NODATA -> "no records";
            default -> answer.status().name().toLowerCase(Locale.ROOT) + (answer.detail() == null ? "" : " (" + answer.detail()
                    + ")");
        };
    }
}
