package org.securemail.delivery.smtp;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.securemail.common.provisioning.TlsPolicy;

class FakeSmtpTransportTest implements SmtpTransportContract {

    private final FakeSmtpTransport fake = new FakeSmtpTransport();
    private final AtomicInteger hosts = new AtomicInteger();

    @Override
    public SmtpTransport transport() {
        return fake;
    }

    @Override
    public NextHopAddress liveHop(Function<String, String> rcptReply) {
        NextHopAddress hop = new NextHopAddress("live" + hosts.incrementAndGet() + ".test", "192.0.2.1", 25,
                TlsPolicy.NONE);
        fake.live(hop, rcptReply);
        return hop;
    }

    @Override
    public NextHopAddress deadHop() {
        return new NextHopAddress("dead" + hosts.incrementAndGet() + ".test", "192.0.2.2", 25, TlsPolicy.NONE);
    }

    @Override
    public List<String> deliveredTo(NextHopAddress hop) {
        return fake.deliveredTo(hop);
    }
}
