package org.securemail.dns.resolve;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.upstream.UpstreamResponse;
import org.securemail.dns.upstream.UpstreamTransport;

/** Wraps a transport and counts every query sent while (name, type) has a cached failure: there must be none. */
final class CheckingTransport implements UpstreamTransport {

    private final UpstreamTransport delegate;
    private volatile DnsCache cache;
    final AtomicInteger queriesForCachedFailures = new AtomicInteger();

    CheckingTransport(UpstreamTransport delegate) {
        this.delegate = delegate;
    }

    void watch(DnsCache cache) {
        this.cache = cache;
    }

    @Override
    public CompletionStage<UpstreamResponse> query(InetSocketAddress upstream, String name, DnsType type,
            Duration timeout) {
        DnsCache watched = cache;
        if (watched != null) {
            DnsCache.Slot slot = watched.get(type, name);
            DnsCacheEntry entry = slot == null ? null : slot.entry();
            if (entry != null && entry.failureCachedAt(System.currentTimeMillis())) {
                queriesForCachedFailures.incrementAndGet();
            }
        }
        return delegate.query(upstream, name, type, timeout);
    }
}
