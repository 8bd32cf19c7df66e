package org.securemail.dns.listener;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per UDP source (IPv4 address, IPv6 /64), so a spoofed source cannot turn the listener into an
 * amplifier. It remembers at most {@code maxSources} sources, the least recently seen forgotten first. Over the rate
 * a query is dropped, except every {@code slip}-th one which gets an empty TC=1 reply: a real client then retries over
 * TCP, which a spoofer cannot (the BIND RRL "slip").
 */
final class RateLimiter {

    enum Decision {
        PASS, DROP, SLIP
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;
        long limited;
    }

    private final double perSecond;
    private final int burst;
    private final int slip;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets;

    RateLimiter(int perSecond, int burst, int slip, int maxSources, LongSupplier nanos) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.slip = Math.max(0, slip);
        this.nanos = nanos;
        int max = Math.max(1, maxSources);
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > max;
            }
        };
    }

    synchronized Decision admit(InetAddress source) {
        if (perSecond <= 0) {
            return Decision.PASS;
        }
        long now = nanos.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(key(source), k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = burst;
            fresh.lastNanos = now;
            return fresh;
        });
        bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.lastNanos) * perSecond / 1e9);
        bucket.lastNanos = now;
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return Decision.PASS;
        }
        bucket.limited++;
        return slip > 0 && bucket.limited % slip == 0 ? Decision.SLIP : Decision.DROP;
    }

    synchronized int sources() {
        return buckets.size();
    }

    private static String key(InetAddress source) {
        byte[] bytes = source.getAddress();
        int length = source instanceof Inet6Address ? 8 : bytes.length;
        return HexFormat.of().formatHex(bytes, 0, length);
    }
}
