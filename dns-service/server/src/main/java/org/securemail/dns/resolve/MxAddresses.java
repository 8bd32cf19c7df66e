package org.securemail.dns.resolve;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.netty.util.NetUtil;
import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.config.DnsConfig;

/**
 * Additional section processing for MX answers (RFC 1035 §3.3.9, ADR 0091): the A and AAAA records of the first
 * {@code max-hosts} exchanges are resolved like any other lookup (cache, merging, caps) and their fresh cache entries
 * travel with the MX answer, so a mail route costs the caller one request instead of three. The answer waits at most
 * {@code max-wait}, and never past the request's deadline; a lookup not finished by then is left out (it goes on and
 * lands in the cache). Only a fresh MX answer gets the section: a stale one means its zone does not answer now.
 */
final class MxAddresses {

    private static final List<DnsType> ADDRESS_TYPES = List.of(DnsType.A, DnsType.AAAA);

    private final DnsConfig.MxAddresses config;
    private final DnsCache cache;
    private final Clock clock;
    private final BiFunction<String, DnsType, Uni<DnsAnswer>> lookup;

    /** @param lookup resolves (name, type) the way a request would ({@link LookupService#resolve}) */
    MxAddresses(DnsConfig.MxAddresses config, DnsCache cache, Clock clock,
            BiFunction<String, DnsType, Uni<DnsAnswer>> lookup) {
        this.config = config;
        this.cache = cache;
        this.clock = clock;
        this.lookup = lookup;
    }

    /** The MX answer with the addresses of its exchanges that could be had in time; any other answer unchanged. */
    Uni<DnsAnswer> attach(DnsAnswer mx, long deadlineMillis) {
        if (!config.enabled() || mx.type() != DnsType.MX || mx.status() != DnsStatus.ANSWER) {
            return Uni.createFrom().item(mx);
        }
        List<String> hosts = exchanges(mx.records(), config.maxHosts());
        long wait = config.maxWait().toMillis();
        if (deadlineMillis > 0) {
            wait = Math.min(wait, deadlineMillis - clock.millis());
        }
        if (hosts.isEmpty() || wait <= 0) {
            return Uni.createFrom().item(mx);
        }
        List<DnsCacheEntry> found = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        for (String host : hosts) {
            for (DnsType type : ADDRESS_TYPES) {
                lookups.add(lookup.apply(host, type).subscribeAsCompletionStage()
                        .thenAccept(answer -> fresh(host, type).ifPresent(found::add)));
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, wait, TimeUnit.MILLISECONDS);
        return Uni.createFrom().completionStage(all)
                .onFailure().recoverWithNull()
                .map(ignored -> found.isEmpty() ? mx : mx.withAdditional(List.copyOf(found)));
    }

    /** The cache's entry for (host, type) if it holds fresh data now: exactly what {@code dns.cache} carries. */
    private Optional<DnsCacheEntry> fresh(String host, DnsType type) {
        DnsCache.Slot slot = cache.get(type, host);
        DnsCacheEntry entry = slot == null ? null : slot.entry();
        return entry != null && entry.freshAt(clock.millis()) ? Optional.of(entry) : Optional.empty();
    }

    /**
     * The exchanges of MX records ({@code preference host}), most preferred first, without the null MX (RFC 7505),
     * address literals and malformed records, at most {@code max}.
     */
    static List<String> exchanges(List<DnsRecordData> records, int max) {
        record Mx(int preference, String host) {
        }
        List<Mx> mxs = new ArrayList<>();
        for (DnsRecordData record : records) {
            if (record.type() != DnsType.MX) {
                continue;
            }
            String[] parts = record.data().trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            String host = parts[1].toLowerCase(Locale.ROOT);
            host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            if (host.isEmpty() || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
                continue;
            }
            try {
                mxs.add(new Mx(Integer.parseInt(parts[0]), host));
            } catch (NumberFormatException ignored) {
                // a malformed record adds nothing
            }
        }
        mxs.sort(Comparator.comparingInt(Mx::preference));
        Set<String> hosts = new LinkedHashSet<>();
        for (Mx mx : mxs) {
            if (hosts.size() >= max) {
                break;
            }
            hosts.add(mx.host());
        }
        return List.copyOf(hosts);
    }
}
