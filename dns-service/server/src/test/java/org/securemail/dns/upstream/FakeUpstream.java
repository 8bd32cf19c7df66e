package org.securemail.dns.upstream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.testing.dns.TestDnsServer.Mode;

/**
 * In-memory {@link UpstreamTransport} for unit tests: the same behaviours as the test DNS server (per zone: answer,
 * NXDOMAIN, SERVFAIL, REFUSED, delay, never answer), per upstream address, without sockets.
 */
public final class FakeUpstream implements UpstreamTransport {

    /** Negative TTL of NXDOMAIN/NODATA answers: min(SOA TTL 3600, SOA minimum 300), as the test server sends. */
    public static final long NEGATIVE_TTL = 300;

    private final Map<String, Mode> modes = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, List<DnsRecordData>> records = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Boolean> deadUpstreams = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> queriesPerZone = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "fake-upstream");
        thread.setDaemon(true);
        return thread;
    });

    public FakeUpstream zone(String zone, Mode mode) {
        modes.put(normalize(zone), mode);
        return this;
    }

    public FakeUpstream delay(String zone, Duration delay) {
        delays.put(normalize(zone), delay);
        return this;
    }

    public FakeUpstream record(String name, DnsType type, long ttl, String... data) {
        String owner = normalize(name);
        records.put(type + "/" + owner, java.util.Arrays.stream(data)
                .map(d -> new DnsRecordData(owner, type, ttl, presentation(type, d))).toList());
        return this;
    }

    /**
     * The whole answer section for {@code name}/{@code type}, records as given: other owners too (a CNAME chain, or
     * the records a poisoner adds).
     */
    public FakeUpstream answerSection(String name, DnsType type, DnsRecordData... section) {
        records.put(type + "/" + normalize(name), List.of(section));
        return this;
    }

    /** An upstream that never answers anything. */
    public FakeUpstream dead(InetSocketAddress upstream, boolean dead) {
        if (dead) {
            deadUpstreams.put(upstream, true);
        } else {
            deadUpstreams.remove(upstream);
        }
        return this;
    }

    public int queries() {
        return queries.get();
    }

    public int queries(String zone) {
        AtomicInteger count = queriesPerZone.get(normalize(zone));
        return count == null ? 0 : count.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public CompletionStage<UpstreamResponse> query(InetSocketAddress upstream, String name, DnsType type,
            Duration timeout) {
        queries.incrementAndGet();
        String owner = normalize(name);
        String zone = zoneOf(owner);
        if (zone != null) {
            queriesPerZone.computeIfAbsent(zone, z -> new AtomicInteger()).incrementAndGet();
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<UpstreamResponse> result = new CompletableFuture<>() {
            @Override
            public boolean complete(UpstreamResponse value) {
                inFlight.decrementAndGet();
                return super.complete(value);
            }

            @Override
            public boolean completeExceptionally(Throwable failure) {
                inFlight.decrementAndGet();
                return super.completeExceptionally(failure);
            }
        };
        Mode mode = zone == null ? Mode.REFUSED : modes.get(zone);
        if (owner.isEmpty()) {
            mode = Mode.ANSWER;
        }
        if (deadUpstreams.containsKey(upstream) || mode == Mode.DEAD) {
            timer.schedule(() -> result.completeExceptionally(
                    new UpstreamTimeoutException("no response from " + upstream + " for " + name)),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            return result;
        }
        UpstreamResponse response = respond(owner, type, mode);
        Duration delay = zone == null ? Duration.ZERO : delays.getOrDefault(zone, Duration.ZERO);
        if (delay.compareTo(timeout) >= 0) {
            timer.schedule(() -> result.completeExceptionally(new UpstreamTimeoutException("slow")),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        } else if (delay.isZero()) {
            result.complete(response);
        } else {
            timer.schedule(() -> result.complete(response), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return result;
    }

    private UpstreamResponse respond(String owner, DnsType type, Mode mode) {
        if (owner.isEmpty()) {
            return new UpstreamResponse(Rcode.NOERROR, List.of(new DnsRecordData("", DnsType.NS, 3600, "a.root-servers.net")), -1);
        }
        return switch (mode) {
            case SERVFAIL -> new UpstreamResponse(Rcode.SERVFAIL, List.of(), -1);
            case REFUSED, DEAD -> new UpstreamResponse(Rcode.REFUSED, List.of(), -1);
            case NXDOMAIN -> new UpstreamResponse(Rcode.NXDOMAIN, List.of(), NEGATIVE_TTL);
            case ANSWER -> {
                List<DnsRecordData> explicit = records.get(type + "/" + owner);
                if (explicit != null) {
                    yield new UpstreamResponse(Rcode.NOERROR, explicit, -1);
                }
                String data = switch (type) {
                    case A -> "192.0.2." + (1 + Math.floorMod(owner.hashCode(), 250));
                    case MX -> "10 mx." + zoneOf(owner);
                    case TXT -> "v=spf1 -all";
                    default -> null;
                };
                yield data == null
                        ? new UpstreamResponse(Rcode.NOERROR, List.of(), NEGATIVE_TTL)
                        : new UpstreamResponse(Rcode.NOERROR, List.of(new DnsRecordData(owner, type, 300, data)), -1);
            }
        };
    }

    /** The form the real adapter produces: names without the final dot, TXT strings joined, canonical IPv6. */
    private static String presentation(DnsType type, String data) {
        return switch (type) {
            case TXT -> data.replaceAll("\"\\s*\"", "").replace("\"", "");
            case A, AAAA -> com.google.common.net.InetAddresses.toAddrString(com.google.common.net.InetAddresses.forString(data));
            case MX, CNAME, NS, PTR -> data.endsWith(".") ? data.substring(0, data.length() - 1) : data;
            case SOA -> data.replace(". ", " ");
            default -> data;
        };
    }

    private String zoneOf(String name) {
        String best = null;
        for (String zone : modes.keySet()) {
            if ((name.equals(zone) || name.endsWith("." + zone)) && (best == null || zone.length() > best.length())) {
                best = zone;
            }
        }
        return best;
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
