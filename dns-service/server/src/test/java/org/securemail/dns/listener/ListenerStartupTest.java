package org.securemail.dns.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.dns.InjectTestDnsServer;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.testing.dns.TestDnsServerResource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The application starts the listener on the service's own engine (port 0 in the test profile). */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestDnsServerResource.class, restrictToAnnotatedClass = true)
class ListenerStartupTest {

    @InjectTestDnsServer
    TestDnsServer dns;

    @Inject
    ListenerStartup startup;

    @Test
    void theApplicationAnswersDnsOnItsListenerFromTheUpstream() throws Exception {
        dns.zone("listener.test");
        dns.record("listener.test", "MX", "10 mx1.listener.test.");
        assertThat(startup.port()).isPositive();

        byte[] query = ListenerFixture.query("listener.test", Type.MX).toWire();
        Message response;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(ListenerFixture.WAIT_MILLIS);
            socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), startup.port()));
            byte[] buffer = new byte[1232];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            response = new Message(Arrays.copyOf(buffer, packet.getLength()));
        }

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getSection(Section.ANSWER)).extracting(Record::rdataToString)
                .containsExactly("10 mx1.listener.test.");
    }
}
