package org.securemail.ingest.stage;

import java.time.Duration;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.LocalDnsCache;
import org.securemail.dns.client.Zones;

/**
 * A {@link DnsResolver} that only knows what is already in this replica's copy of the shared cache: a fresh answer at
 * once, else TIMEOUT at once. Never a request to the DNS service, so a check built on it never waits for DNS.
 */
final class CachedAnswers implements DnsResolver {

    private final LocalDnsCache cache;

    CachedAnswers(LocalDnsCache cache) {
        this.cache = cache;
    }

    @Override
    public Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
        String normalized = Zones.normalize(name);
        return Uni.createFrom().item(cache.fresh(normalized, type, System.currentTimeMillis())
                .orElseGet(() -> DnsAnswer.timeout(normalized, type, "not in the local cache (session check)")));
    }
}
