package org.securemail.ingest.inspect.dnsbl;

import java.time.Duration;
import java.util.List;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;

/**
 * One DNS lookup as both checkers make it: through the {@link DnsResolver} with a deadline, and held to the resolver's
 * promise (never fail, complete by the deadline) so that a broken adapter costs a temperror, not a hung check.
 */
final class Lookups {

    /** How long past its deadline a lookup may be late before it is taken for a timeout. */
    static final Duration GRACE = Duration.ofMillis(500);

    private Lookups() {
    }

    static Uni<DnsAnswer> resolve(DnsResolver dns, String name, DnsType type, Duration deadline) {
        Uni<DnsAnswer> lookup;
        try {
            lookup = dns.resolve(name, type, deadline);
        } catch (RuntimeException thrown) {
            return Uni.createFrom().item(failed(name, type, "the resolver threw " + thrown));
        }
        if (lookup == null) {
            return Uni.createFrom().item(failed(name, type, "the resolver gave no answer"));
        }
        return lookup
                .onItem().ifNull().continueWith(() -> failed(name, type, "the resolver gave no answer"))
                .onFailure().recoverWithItem(failure -> failed(name, type, "the resolver failed: " + failure))
                .ifNoItem().after(deadline.plus(GRACE))
                .recoverWithItem(() -> DnsAnswer.timeout(name, type, "no answer by the deadline"));
    }

    /** The records of the asked type in a usable answer, at most {@code max} of them; empty otherwise. */
    static List<DnsRecordData> records(DnsAnswer answer, DnsType type, int max) {
        if (!answer.status().usable()) {
            return List.of();
        }
        return answer.records().stream()
                .filter(r -> r != null && r.type() == type && r.data() != null)
                .limit(max)
                .toList();
    }

    /** The number of records of the asked type in a usable answer. */
    static long count(DnsAnswer answer, DnsType type) {
        return answer.status().usable()
                ? answer.records().stream().filter(r -> r != null && r.type() == type).count()
                : 0;
    }

    /** How a temporary status reads in an explanation ({@code "timeout (no answer by the deadline)"}). */
    static String describe(DnsAnswer answer) {
        String status = answer.status().name().toLowerCase(java.util.Locale.ROOT);
        return answer.detail() == null || answer.detail().isBlank() ? status : status + " (" + answer.detail() + ")";
    }

    private static DnsAnswer failed(String name, DnsType type, String detail) {
        return new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0, detail);
    }
}
