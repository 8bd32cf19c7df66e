package org.securemail.dns.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.dns.listener.ListenerFixture.query;

import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.upstream.FakeUpstream;
import org.securemail.testing.dns.TestDnsServer.Mode;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The listener over real UDP and TCP sockets, in front of the real engine and an in-memory upstream. */
class DnsListenerTest {

    private final FakeUpstream upstream = new FakeUpstream();
    private ListenerFixture fixture;

    private ListenerFixture start(String... properties) throws Exception {
        fixture = new ListenerFixture(upstream, properties);
        return fixture;
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static List<Record> answers(Message response) {
        return response.getSection(Section.ANSWER);
    }

    @Test
    void answersMxEchoingIdAndQuestionWithRecursionFlags() throws Exception {
        upstream.zone("example.org", Mode.ANSWER).record("example.org", DnsType.MX, 600, "10 mx1.example.org",
                "20 mx2.example.org");
        start();
        Message query = query("Example.ORG", Type.MX);

        Message response = fixture.udp(query);

        assertThat(response.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RA)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getQuestion().getName().toString()).isEqualTo("Example.ORG.");
        assertThat(answers(response)).extracting(Record::rdataToString)
                .containsExactly("10 mx1.example.org.", "20 mx2.example.org.");
        assertThat(answers(response)).allSatisfy(r -> assertThat(r.getTTL()).isBetween(598L, 600L));
    }

    @Test
    void answersAddressAndTextTypes() throws Exception {
        upstream.zone("example.org", Mode.ANSWER)
                .record("www.example.org", DnsType.A, 300, "192.0.2.10")
                .record("www.example.org", DnsType.AAAA, 300, "2001:db8::10")
                .record("example.org", DnsType.TXT, 300, "\"v=spf1 ip4:192.0.2.0/24 \" \"-all\"");
        start();

        assertThat(answers(fixture.udp(query("www.example.org", Type.A)))).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress()).isEqualTo(InetAddress.getByName("192.0.2.10")));
        assertThat(answers(fixture.udp(query("www.example.org", Type.AAAA)))).singleElement()
                .satisfies(r -> assertThat(((org.xbill.DNS.AAAARecord) r).getAddress())
                        .isEqualTo(InetAddress.getByName("2001:db8::10")));
        assertThat(answers(fixture.udp(query("example.org", Type.TXT)))).singleElement()
                .satisfies(r -> assertThat(String.join("", ((TXTRecord) r).getStrings()))
                        .isEqualTo("v=spf1 ip4:192.0.2.0/24 -all"));
    }

    @Test
    void answersPtrNsSoaAndTlsa() throws Exception {
        upstream.zone("example.org", Mode.ANSWER).zone("2.0.192.in-addr.arpa", Mode.ANSWER)
                .record("10.2.0.192.in-addr.arpa", DnsType.PTR, 300, "www.example.org.")
                .record("example.org", DnsType.NS, 300, "ns1.example.org.", "ns2.example.org.")
                .record("example.org", DnsType.SOA, 300, "ns1.example.org. hostmaster.example.org. 2026120601 7200 3600 1209600 300")
                .record("_25._tcp.mx1.example.org", DnsType.TLSA, 300,
                        "3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6");
        start();

        assertThat(answers(fixture.udp(query("10.2.0.192.in-addr.arpa", Type.PTR)))).extracting(Record::rdataToString)
                .containsExactly("www.example.org.");
        assertThat(answers(fixture.udp(query("example.org", Type.NS)))).extracting(Record::rdataToString)
                .containsExactly("ns1.example.org.", "ns2.example.org.");
        assertThat(answers(fixture.udp(query("example.org", Type.SOA)))).extracting(Record::rdataToString)
                .containsExactly("ns1.example.org. hostmaster.example.org. 2026120601 7200 3600 1209600 300");
        assertThat(answers(fixture.udp(query("_25._tcp.mx1.example.org", Type.TLSA)))).singleElement()
                .satisfies(r -> assertThat(r.rdataToString()).isEqualToIgnoringCase(
                        "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"));
    }

    @Test
    void aCnameChainComesWithTheAnswer() throws Exception {
        upstream.zone("example.org", Mode.ANSWER).answerSection("www.example.org", DnsType.A,
                new DnsRecordData("www.example.org", DnsType.CNAME, 600, "edge.example.org"),
                new DnsRecordData("edge.example.org", DnsType.A, 600, "192.0.2.20"));
        start();

        Message response = fixture.udp(query("www.example.org", Type.A));

        assertThat(answers(response)).extracting(r -> r.getName().toString(), Record::getType, Record::rdataToString)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("www.example.org.", Type.CNAME, "edge.example.org."),
                        org.assertj.core.groups.Tuple.tuple("edge.example.org.", Type.A, "192.0.2.20"));
    }

    @Test
    void aNameThatDoesNotExistIsNxdomainAndAMissingTypeIsEmptyNoerror() throws Exception {
        upstream.zone("gone.example", Mode.NXDOMAIN).zone("example.org", Mode.ANSWER);
        start();

        Message nxdomain = fixture.udp(query("mail.gone.example", Type.MX));
        Message nodata = fixture.udp(query("example.org", Type.CNAME));

        assertThat(nxdomain.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answers(nxdomain)).isEmpty();
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(nodata)).isEmpty();
    }

    @Test
    void aDeadZoneIsServfailThenServfailFromTheFailureCacheWithoutAskingAgain() throws Exception {
        upstream.zone("dead.example", Mode.DEAD);
        start("dns.timeouts.query", "200ms", "dns.timeouts.resolution", "400ms");

        Message first = fixture.udp(query("dead.example", Type.MX));
        int asked = upstream.queries("dead.example");
        long started = System.nanoTime();
        Message second = fixture.udp(query("dead.example", Type.MX));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(first.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(second.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(upstream.queries("dead.example")).as("answered from the failure cache").isEqualTo(asked);
        assertThat(millis).isLessThan(1000);
    }

    @Test
    void aStaleAnswerIsServedWithTtl30AfterTheUpstreamDied() throws Exception {
        upstream.zone("example.org", Mode.ANSWER).record("example.org", DnsType.MX, 60, "10 mx1.example.org");
        start("dns.timeouts.query", "200ms", "dns.timeouts.resolution", "400ms",
                "dns.timeouts.client-response", "300ms");
        assertThat(answers(fixture.udp(query("example.org", Type.MX)))).hasSize(1);

        upstream.zone("example.org", Mode.DEAD);
        fixture.engine.clock.advance(Duration.ofMinutes(10));
        Message stale = fixture.udp(query("example.org", Type.MX));

        assertThat(stale.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(stale)).singleElement().satisfies(r -> {
            assertThat(r.rdataToString()).isEqualTo("10 mx1.example.org.");
            assertThat(r.getTTL()).isEqualTo(30);
        });
    }

    @Test
    void aQueryShedAtTheZoneCapIsServfailAtOnce() throws Exception {
        upstream.zone("slow.example", Mode.ANSWER).delay("slow.example", Duration.ofMillis(1200));
        start("dns.limits.per-zone", "1", "dns.limits.wait-timeout", "50ms");
        try (DatagramSocket first = new DatagramSocket()) {
            byte[] wire = query("a.slow.example", Type.A).toWire();
            first.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), fixture.port()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2))
                    .until(() -> upstream.queries("slow.example") == 1);

            long started = System.nanoTime();
            Message shed = fixture.udp(query("b.slow.example", Type.A));
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(shed.getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(millis).isLessThan(1000);
        }
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        String[] texts = new String[8];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "key" + i + "=" + "x".repeat(90);
        }
        upstream.zone("example.org", Mode.ANSWER).record("big.example.org", DnsType.TXT, 300, texts);
        start();
        Message query = query("big.example.org", Type.TXT);

        Message udp = fixture.udp(query);
        Message tcp = fixture.tcp(1, query.toWire()).get(0);

        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(answers(udp)).isEmpty();
        assertThat(udp.getQuestion().getName().toString()).isEqualTo("big.example.org.");
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(tcp)).hasSize(8);
        assertThat(fixture.engine.counter("dns.listener.truncated")).isEqualTo(1);
    }

    @Test
    void anEdnsClientGetsAnswersUpToItsSizeCappedAt1232AndAnOptBack() throws Exception {
        String[] medium = new String[8];
        String[] large = new String[14];
        for (int i = 0; i < large.length; i++) {
            large[i] = "key" + i + "=" + "x".repeat(90);
            if (i < medium.length) {
                medium[i] = large[i];
            }
        }
        upstream.zone("example.org", Mode.ANSWER).record("medium.example.org", DnsType.TXT, 300, medium)
                .record("large.example.org", DnsType.TXT, 300, large);
        start();
        Message mediumQuery = query("medium.example.org", Type.TXT);
        mediumQuery.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        Message largeQuery = query("large.example.org", Type.TXT);
        largeQuery.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);

        Message mediumAnswer = fixture.udp(mediumQuery);
        Message largeAnswer = fixture.udp(largeQuery);

        assertThat(mediumAnswer.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(mediumAnswer)).hasSize(8);
        assertThat(mediumAnswer.getOPT()).isNotNull();
        assertThat(mediumAnswer.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(largeAnswer.getHeader().getFlag(Flags.TC)).as("over 1232 bytes even for a 4096 client").isTrue();
        assertThat(answers(largeAnswer)).isEmpty();
    }

    @Test
    void anyAndTypesTheServiceDoesNotResolveAreRefused() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start();

        assertThat(fixture.udp(query("example.org", Type.ANY)).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(fixture.udp(query("_sip._tcp.example.org", Type.SRV)).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(fixture.tcp(1, query("example.org", Type.AXFR).toWire()).get(0).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(upstream.queries()).isZero();
        assertThat(fixture.engine.counter("dns.listener.refused", "reason", "type")).isEqualTo(3);
    }

    @Test
    void aChaosClassQueryIsRefused() throws Exception {
        start();
        Message version = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));

        assertThat(fixture.udp(version).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void malformedPacketsGetFormerrOrNothingAndNeverStopTheListener() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.rate-per-second", "0");
        Random random = new Random(14);
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[random.nextInt(600)];
                random.nextBytes(junk);
                socket.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), fixture.port()));
            }
        }
        // the kernel may drop what arrives while the socket buffer is full of junk: ask until the listener answers
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> fixture.udp(query("example.org", Type.A)) != null);
        Message two = query("example.org", Type.A);
        two.addRecord(Record.newRecord(Name.fromString("example.net."), Type.A, DClass.IN), Section.QUESTION);
        Message notify = query("example.org", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        byte[] hugeLabel = query("example.org", Type.A).toWire();
        hugeLabel[12] = (byte) 0x7F;

        assertThat(fixture.udp(two).getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(fixture.udp(notify).getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(new Message(fixture.udpRaw(hugeLabel)).getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(fixture.tcp(1, two.toWire()).get(0).getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(fixture.udp(query("example.org", Type.A)).getRcode()).as("still answering").isEqualTo(Rcode.NOERROR);
    }

    @Test
    void aResponseIsNeverAnsweredSoTwoServersCannotPingPong() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start();
        Message response = query("example.org", Type.A);
        response.getHeader().setFlag(Flags.QR);

        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(500);
            byte[] wire = response.toWire();
            socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), fixture.port()));
            assertThat(receives(socket)).isFalse();
        }
        assertThat(fixture.engine.counter("dns.listener.dropped")).isEqualTo(1);
        assertThat(fixture.udp(query("example.org", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void clientsOutsideTheAllowedNetworksAreRefused() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.allow", "10.0.0.0/8,fd00::/8");

        assertThat(fixture.udp(query("example.org", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(fixture.tcp(1, query("example.org", Type.A).toWire()).get(0).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(upstream.queries()).isZero();
        assertThat(fixture.engine.counter("dns.listener.refused", "reason", "acl")).isEqualTo(2);
    }

    @Test
    void thePodNetworkIsAllowedBesideTheList() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.allow", "10.0.0.0/8", "dns.listener.pod-network", "127.0.0.0/8");

        assertThat(fixture.udp(query("example.org", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void udpQueriesOverTheSourceRateAreDroppedButTcpStillAnswers() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.rate-per-second", "1", "dns.listener.rate-burst", "2", "dns.listener.rate-slip", "0");

        assertThat(fixture.udp(query("example.org", Type.A))).isNotNull();
        assertThat(fixture.udp(query("example.org", Type.A))).isNotNull();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(500);
            byte[] wire = query("example.org", Type.A).toWire();
            socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), fixture.port()));
            assertThat(receives(socket)).isFalse();
        }
        assertThat(fixture.engine.counter("dns.listener.rate.limited")).isEqualTo(1);
        assertThat(fixture.tcp(1, query("example.org", Type.A).toWire()).get(0).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void aSlipAnswersALimitedQueryEmptyWithTcSoARealClientRetriesOverTcp() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.rate-per-second", "1", "dns.listener.rate-burst", "1", "dns.listener.rate-slip", "1");
        fixture.udp(query("example.org", Type.MX));

        Message slipped = fixture.udp(query("example.org", Type.MX));

        assertThat(slipped.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(answers(slipped)).isEmpty();
        assertThat(slipped.getQuestion().getType()).isEqualTo(Type.MX);
    }

    @Test
    void pipelinedTcpQueriesAreAllAnsweredById() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.tcp-max-in-flight", "2");
        Message[] queries = new Message[6];
        byte[][] wires = new byte[6][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = query("host" + i + ".example.org", Type.A);
            wires[i] = queries[i].toWire();
        }

        List<Message> responses = fixture.tcp(6, wires);

        assertThat(responses).extracting(m -> m.getHeader().getID()).containsExactlyInAnyOrder(
                java.util.Arrays.stream(queries).map(q -> q.getHeader().getID()).toArray(Integer[]::new));
        assertThat(responses).allSatisfy(m -> {
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(answers(m)).hasSize(1);
        });
    }

    @Test
    void aTcpConnectionIsClosedAfterItsQueryBudget() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.tcp-max-queries", "2");
        try (Socket socket = fixture.connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            for (int i = 0; i < 3; i++) {
                byte[] wire = query("host" + i + ".example.org", Type.A).toWire();
                out.writeShort(wire.length);
                out.write(wire);
            }
            out.flush();

            assertThat(ListenerFixture.read(socket, 2)).hasSize(2);
            assertThat(socket.getInputStream().read()).as("closed after two").isEqualTo(-1);
        }
    }

    @Test
    void tcpConnectionsOverTheMaximumAreClosed() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start("dns.listener.tcp-max-connections", "1");
        try (Socket first = fixture.connect(); Socket second = fixture.connect()) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> fixture.listener.connections() == 1);
            assertThat(second.getInputStream().read()).isEqualTo(-1);
            DataOutputStream out = new DataOutputStream(first.getOutputStream());
            byte[] wire = query("example.org", Type.A).toWire();
            out.writeShort(wire.length);
            out.write(wire);
            assertThat(ListenerFixture.read(first, 1).get(0).getRcode()).isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void anIdleTcpConnectionIsClosed() throws Exception {
        start("dns.listener.tcp-idle-timeout", "200ms");
        try (Socket socket = fixture.connect()) {
            long started = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(ListenerFixture.WAIT_MILLIS);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> fixture.listener.connections() == 0);
    }

    @Test
    void queriesAreCountedByTransportAndResponseCode() throws Exception {
        upstream.zone("example.org", Mode.ANSWER).zone("gone.example", Mode.NXDOMAIN);
        start();

        fixture.udp(query("example.org", Type.MX));
        fixture.udp(query("gone.example", Type.MX));
        fixture.tcp(1, query("example.org", Type.MX).toWire());

        assertThat(fixture.engine.counter("dns.listener.queries", "transport", "udp", "rcode", "NOERROR")).isEqualTo(1);
        assertThat(fixture.engine.counter("dns.listener.queries", "transport", "udp", "rcode", "NXDOMAIN")).isEqualTo(1);
        assertThat(fixture.engine.counter("dns.listener.queries", "transport", "tcp", "rcode", "NOERROR")).isEqualTo(1);
    }

    @Test
    void aTakenPortFailsToStartAndLeavesTheRunningListenerAlone() throws Exception {
        upstream.zone("example.org", Mode.ANSWER);
        start();
        try (var other = new org.securemail.dns.resolve.TestEngine(upstream, "dns.listener.port",
                String.valueOf(fixture.port()))) {
            DnsListener second = new DnsListener(other.config.listener(), other.lookups, other.registry, fixture.group);

            org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(String.valueOf(fixture.port()));
        }
        assertThat(fixture.udp(query("example.org", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(fixture.tcp(1, query("example.org", Type.A).toWire()).get(0).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void aTcpConnectionResolvesAtMostItsInFlightCapAtOnce() throws Exception {
        upstream.zone("slow.example", Mode.ANSWER).delay("slow.example", Duration.ofMillis(100));
        start("dns.listener.tcp-max-in-flight", "2");
        byte[][] wires = new byte[6][];
        for (int i = 0; i < wires.length; i++) {
            wires[i] = query("host" + i + ".slow.example", Type.A).toWire();
        }

        List<Message> responses = fixture.tcp(6, wires);

        assertThat(responses).allSatisfy(m -> assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR));
        assertThat(upstream.queries("slow.example")).isEqualTo(6);
        assertThat(upstream.maxInFlight()).isEqualTo(2);
    }

    @Test
    void aLookupSlowerThanTheAnswerTimeoutIsServfailInTime() throws Exception {
        upstream.zone("slow.example", Mode.ANSWER).delay("slow.example", Duration.ofMillis(2500));
        start("dns.timeouts.query", "4s", "dns.timeouts.resolution", "5s", "dns.listener.answer-timeout", "300ms");

        long started = System.nanoTime();
        Message response = fixture.udp(query("slow.example", Type.A));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(millis).isLessThan(2000);
    }

    private static boolean receives(DatagramSocket socket) throws java.io.IOException {
        try {
            socket.receive(new DatagramPacket(new byte[512], 512));
            return true;
        } catch (java.net.SocketTimeoutException none) {
            return false;
        }
    }
}
