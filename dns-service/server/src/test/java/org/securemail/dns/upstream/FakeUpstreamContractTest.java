package org.securemail.dns.upstream;

import java.net.InetSocketAddress;

import org.securemail.common.dns.DnsType;
import org.securemail.testing.dns.TestDnsServer.Mode;

class FakeUpstreamContractTest implements UpstreamTransportContract {

    private final FakeUpstream fake = new FakeUpstream();

    @Override
    public UpstreamTransport transport() {
        return fake;
    }

    @Override
    public InetSocketAddress upstream() {
        return new InetSocketAddress("127.0.0.1", 53);
    }

    @Override
    public void zone(String zone, Mode mode) {
        fake.zone(zone, mode);
    }

    @Override
    public void record(String name, DnsType type, long ttl, String... data) {
        fake.record(name, type, ttl, data);
    }
}
