package org.securemail.testing.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

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

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<String, Zone> zones = new ConcurrentHashMap<>();
    private volatile Zone otherZones;
    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("test-dns-timer"));
    private final ExecutorService workers = Executors.newCachedThreadPool(daemon("test-dns-worker"));
    private final AtomicLong totalQueries = new AtomicLong();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private volatile boolean running = true;
    private volatile boolean silent;
    private volatile boolean giveUpSilently;

    private volatile int slotLimit = Integer.MAX_VALUE;
    private volatile Duration deadHold = Duration.ofSeconds(10);
    private final AtomicInteger slotsUsed = new AtomicInteger();
    private final AtomicInteger maxSlotsUsed = new AtomicInteger();
    private final AtomicInteger droppedNoSlot = new AtomicInteger();

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        workers.execute(this::serveUdp);
        workers.execute(this::serveTcp);
    }

    /** Starts on a free loopback port (the same port for UDP and TCP). */
    public static TestDnsServer start() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new TestDnsServer(udp, tcp);
            } catch (IOException taken) {
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new IllegalStateException("no free loopback port with both UDP and TCP free");
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** host:port, as the service's upstream list wants it. */
    public String hostPort() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /** The behaviour of {@code zone}, created (answering) on first use. */
    public Zone zone(String zone) {
        return zones.computeIfAbsent(normalize(zone), z -> new Zone());
    }

    /**
     * How names in no configured zone are treated (by default they are REFUSED): e.g. {@code Mode.DEAD} models
     * every other domain sitting on dead authoritative servers, fresh ones included. Zone = last two labels.
     */
    public Zone otherZones() {
        if (otherZones == null) {
            otherZones = new Zone();
        }
        return otherZones;
    }

    /** Explicit records for (name, type) in presentation form ({@code "10 mx1.example.org."} for MX). */
    public TestDnsServer record(String name, String type, String... data) {
        records.put(key(normalize(name), Type.value(type)), List.of(data));
        return this;
    }

    /** Model a recursive resolver: {@code slots} concurrent queries, dead-zone queries hold one for {@code hold}. */
    public TestDnsServer slots(int slots, Duration hold) {
        this.slotLimit = slots;
        this.deadHold = hold;
        return this;
    }

    /** {@code true}: a dead-zone query is dropped without an answer when its hold ends (default: SERVFAIL). */
    public TestDnsServer giveUpSilently(boolean silently) {
        this.giveUpSilently = silently;
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
        return tcpQueries.get();
    }

    public int maxSlotsUsed() {
        return maxSlotsUsed.get();
    }

    public int slotsUsed() {
        return slotsUsed.get();
    }

    public int droppedNoSlot() {
        return droppedNoSlot.get();
    }

    public int slotLimit() {
        return slotLimit;
    }

    // ---- serving ----

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException closed) {
                return;
            }
            byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            java.net.SocketAddress from = packet.getSocketAddress();
            handle(query, false, reply -> {
                try {
                    udp.send(new DatagramPacket(reply, reply.length, from));
                } catch (IOException ignored) {
                    // the client went away
                }
            });
        }
    }

    private void serveTcp() {
        while (running) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException closed) {
                return;
            }
            workers.execute(() -> serveConnection(socket));
        }
    }

    private void serveConnection(Socket socket) {
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream())) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (running) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                tcpQueries.incrementAndGet();
                handle(query, true, reply -> {
                    synchronized (out) {
                        try {
                            out.writeShort(reply.length);
                            out.write(reply);
                            out.flush();
                        } catch (IOException ignored) {
                            // connection closed
                        }
                    }
                });
            }
        } catch (IOException closed) {
            // end of connection
        }
    }

    private void handle(byte[] wire, boolean overTcp, java.util.function.Consumer<byte[]> send) {
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
        Record question = query.getQuestion();
        String name = normalize(question.getName().toString());
        Zone zone = zoneOf(name);
        if (zone != null) {
            zone.queries.incrementAndGet();
        }
        if (!acquireSlot()) {
            droppedNoSlot.incrementAndGet();
            return;
        }
        Runnable answer = () -> {
            try {
                send.accept(respond(query, name, zone, overTcp).toWire(overTcp ? 65535 : udpLimit(query)));
            } finally {
                releaseSlot();
            }
        };
        if (zone != null && zone.mode == Mode.DEAD) {
            zone.held.add(answer);
            timers.schedule(() -> {
                if (zone.held.remove(answer)) {
                    try {
                        if (!giveUpSilently) {
                            send.accept(servfail(query).toWire(overTcp ? 65535 : udpLimit(query)));
                        }
                    } finally {
                        releaseSlot();
                    }
                }
            }, deadHold.toMillis(), TimeUnit.MILLISECONDS);
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

    private boolean acquireSlot() {
        while (true) {
            int used = slotsUsed.get();
            if (used >= slotLimit) {
                return false;
            }
            if (slotsUsed.compareAndSet(used, used + 1)) {
                maxSlotsUsed.accumulateAndGet(used + 1, Math::max);
                return true;
            }
        }
    }

    private void releaseSlot() {
        slotsUsed.decrementAndGet();
    }

    private static Message servfail(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        response.getHeader().setRcode(Rcode.SERVFAIL);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        return response;
    }

    private Message respond(Message query, String name, Zone zone, boolean overTcp) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        int type = question.getType();
        try {
            if (name.isEmpty()) {
                response.addRecord(new NSRecord(Name.root, DClass.IN, 3600, Name.fromString("a.root-servers.net.")),
                        Section.ANSWER);
                return response;
            }
            if (zone == null) {
                response.getHeader().setRcode(Rcode.REFUSED);
                return response;
            }
            switch (zone.mode) {
                case SERVFAIL -> response.getHeader().setRcode(Rcode.SERVFAIL);
                case REFUSED -> response.getHeader().setRcode(Rcode.REFUSED);
                case NXDOMAIN -> {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                    response.addRecord(soa(zoneName(name)), Section.AUTHORITY);
                }
                default -> answer(response, question, name, zone, type);
            }
            if (zone.truncate && !overTcp) {
                Message truncated = new Message(query.getHeader().getID());
                truncated.getHeader().setFlag(Flags.QR);
                truncated.getHeader().setFlag(Flags.TC);
                truncated.addRecord(question, Section.QUESTION);
                return truncated;
            }
        } catch (IOException bad) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        }
        return response;
    }

    private void answer(Message response, Record question, String name, Zone zone, int type) throws IOException {
        Name owner = question.getName();
        List<String> explicit = records.get(key(name, type));
        if (explicit != null) {
            for (String data : explicit) {
                response.addRecord(Record.fromString(owner, type, DClass.IN, zone.ttl, data, Name.root), Section.ANSWER);
            }
            return;
        }
        int octet = 1 + Math.floorMod(name.hashCode(), 250);
        switch (type) {
            case Type.A -> response.addRecord(new ARecord(owner, DClass.IN, zone.ttl, ipv4(octet)),
                    Section.ANSWER);
            case Type.MX -> response.addRecord(new MXRecord(owner, DClass.IN, zone.ttl, 10,
                    Name.fromString("mx." + zoneName(name) + ".")), Section.ANSWER);
            case Type.TXT -> response.addRecord(new TXTRecord(owner, DClass.IN, zone.ttl, "v=spf1 -all"), Section.ANSWER);
            default -> response.addRecord(soa(zoneName(name)), Section.AUTHORITY);
        }
    }

    private static InetAddress ipv4(int octet) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) octet});
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private String zoneName(String name) {
        String best = null;
        for (String zone : zones.keySet()) {
            if ((name.equals(zone) || name.endsWith("." + zone)) && (best == null || zone.length() > best.length())) {
                best = zone;
            }
        }
        if (best != null) {
            return best;
        }
        int last = name.lastIndexOf('.');
        int previous = last <= 0 ? -1 : name.lastIndexOf('.', last - 1);
        return previous < 0 ? name : name.substring(previous + 1);
    }

    private Zone zoneOf(String name) {
        Zone zone = zones.get(zoneName(name));
        return zone == null ? otherZones : zone;
    }

    private static SOARecord soa(String zone) throws TextParseException {
        Name origin = Name.fromString(zone + ".");
        return new SOARecord(origin, DClass.IN, 3600, Name.fromString("ns1." + zone + "."),
                Name.fromString("hostmaster." + zone + "."), 1, 3600, 600, 86400, 300);
    }

    private static String key(String name, int type) {
        return type + "/" + name;
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        running = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        timers.shutdownNow();
        workers.shutdownNow();
    }
}
