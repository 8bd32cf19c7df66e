package org.securemail.testing.dns;

import java.util.Map;

import org.securemail.testing.ServerResource;

/** Starts a {@link TestDnsServer} for a {@code @QuarkusTest} and makes it the service's only upstream. */
public class TestDnsServerResource extends ServerResource<TestDnsServer> {

    public TestDnsServerResource() {
        super(TestDnsServer.class, InjectTestDnsServer.class, TestDnsServer::start, TestDnsServer::close,
                server -> Map.of("dns.upstreams", server.hostPort()));
    }
}
