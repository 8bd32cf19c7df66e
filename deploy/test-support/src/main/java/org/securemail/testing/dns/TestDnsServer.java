package org.securemail.testing.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.xbill.DNS.Message;

/**
 * A DNS server for tests: UDP and TCP on one ephemeral loopback port, plain Java (dnsjava for the wire format), no
 * Quarkus, so other modules' tests can reuse it.
 *
 * <p>Per zone (a name is in a zone when it equals it or ends with "." + zone) it can answer, return NXDOMAIN,
 * SERVFAIL or REFUSED, delay, truncate over UDP (full answer over TCP), or never answer. Answers: explicit records
 * set with {@link #record}, else synthesized (A 192.0.2.x, AAAA 2001:db8::x, MX "10 mx.zone", TXT "v=spf1 -all"),
 * else NODATA with an SOA. Names in no zone are REFUSED; the root answers NS (the service's health probe).
 *
 * <p>It can also model a recursive resolver with a limited number of slots ({@link #slots(int, Duration)}): every
 * query takes a slot while it is worked on; a query for a zone that {@link Mode#DEAD never answers} holds its slot for
 * the whole hold time (the resolver's own timeout towards dead authoritative servers) and is then dropped; a query
 * that finds no free slot is dropped at once. {@link #maxSlotsUsed()} and {@link #droppedNoSlot()} tell whether a
 * client ever filled the resolver.
 */
public final class TestDnsServer implements AutoCloseable {

    /** What a zone does with a query. */
    public enum Mode { ANSWER, NXDOMAIN, SERVFAIL, REFUSED, DEAD }

    /** The behaviour of one zone. Mutable at run time (a dead zone can come back). */
    public static final class Zone {
        volatile Mode mode = Mode.ANSWER;
        volatile Duration delay = Duration.ZERO;
        volatile boolean truncate;
        volatile long ttl = 300;
        final AtomicInteger queries = new AtomicInteger();
        final java.util.Queue<Runnable> held = new java.util.concurrent.ConcurrentLinkedQueue<>();

        public Zone mode(Mode mode) {
            this.mode = mode;
            if (mode != Mode.DEAD) {
                for (Runnable answer; (answer = held.poll()) != null;) {
                    answer.run();
                }
            }
            return this;
        }

        public Zone delay(Duration delay) {
            this.delay = delay;
            return this;
        }

        public Zone truncate(boolean truncate) {
            this.truncate = truncate;
            return this;
        }

        public Zone ttl(long ttl) {
            this.ttl = ttl;
            return this;
        }

        public int queries() {
            return queries.get();
        }
    }

    private final ZoneAnswers answers = new ZoneAnswers();
    private final ResolverSlots resolver = new ResolverSlots();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("test-dns-timer"));
    private final AtomicLong totalQueries = new AtomicLong();
    private final DnsListener listener;
    private volatile boolean silent;

    private TestDnsServer() {
        this.listener = DnsListener.start(this::handle);
    }

    /** Starts on a free loopback port (the same port for UDP and TCP). */
    public static TestDnsServer start() {
        return new TestDnsServer();
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    /** host:port, as the service's upstream list wants it. */
    public String hostPort() {
        return "127.0.0.1:" + listener.address().getPort();
    }

    /** The behaviour of {@code zone}, created (answering) on first use. */
    public Zone zone(String zone) {
        return answers.zone(zone);
    }

    /**
     * How names in no configured zone are treated (by default they are REFUSED): e.g. {@code Mode.DEAD} models
     * every other domain sitting on dead authoritative servers, fresh ones included. Zone = last two labels.
     */
    public Zone otherZones() {
        return answers.otherZones();
    }

    /** Explicit records for (name, type) in presentation form ({@code "10 mx1.example.org."} for MX). */
    public TestDnsServer record(String name, String type, String... data) {
        answers.record(name, type, data);
        return this;
    }

    /** A server that receives but never answers anything (a dead upstream). */
    public TestDnsServer silent(boolean silent) {
        this.silent = silent;
        return this;
    }

    public long queries() {
        return totalQueries.get();
    }

    public int tcpQueries() {
        return listener.tcpQueries();
    }

    /** The distinct source ports the UDP queries came from (a resolver must not use one for all, RFC 5452 §9.2). */
    public java.util.Set<Integer> udpSourcePorts() {
        return listener.udpSourcePorts();
    }

    /** Model a recursive resolver: {@code slots} concurrent queries, dead-zone queries hold one for {@code hold}. */
    public TestDnsServer slots(int slots, Duration hold) {
        resolver.limit(slots, hold);
        return this;
    }

    public int slotLimit() {
        return resolver.limit();
    }

    /** Slots in use now. */
    public int slotsUsed() {
        return resolver.used();
    }

    /** {@code true}: a dead-zone query is dropped without an answer when its hold ends (default: SERVFAIL). */
    public TestDnsServer giveUpSilently(boolean silently) {
        resolver.giveUpSilently(silently);
        return this;
    }

    /** The most slots in use at once since the start. */
    public int maxSlotsUsed() {
        return resolver.maxUsed();
    }

    /** Queries dropped at once because no slot was free. */
    public int droppedNoSlot() {
        return resolver.droppedNoSlot();
    }

    /** One query: counted, then answered at once, after the zone's delay, or held while its zone is dead. */
    private void handle(byte[] wire, boolean overTcp, Consumer<byte[]> send) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException malformed) {
            return;
        }
        totalQueries.incrementAndGet();
        if (silent) {
            return;
        }
        String name = ZoneAnswers.normalize(query.getQuestion().getName().toString());
        Zone zone = answers.zoneOf(name);
        if (zone != null) {
            zone.queries.incrementAndGet();
        }
        if (!resolver.acquire()) {
            return;
        }
        int limit = overTcp ? 65535 : udpLimit(query);
        Runnable answer = () -> {
            try {
                send.accept(answers.respond(query, name, zone, overTcp).toWire(limit));
            } finally {
                resolver.release();
            }
        };
        if (zone != null && zone.mode == Mode.DEAD) {
            zone.held.add(answer);
            timers.schedule(() -> {
                if (zone.held.remove(answer)) {
                    try {
                        if (!resolver.givesUpSilently()) {
                            send.accept(ZoneAnswers.servfail(query).toWire(limit));
                        }
                    } finally {
                        resolver.release();
                    }
                }
            }, resolver.deadHold().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        Duration delay = zone == null ? Duration.ZERO : zone.delay;
        if (delay.isZero()) {
            answer.run();
        } else {
            timers.schedule(answer, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static int udpLimit(Message query) {
        return query.getOPT() == null ? 512 : Math.max(512, query.getOPT().getPayloadSize());
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        listener.close();
        timers.shutdownNow();
    }
}
