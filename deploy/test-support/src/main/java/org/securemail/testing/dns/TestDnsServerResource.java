package org.securemail.testing.dns;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a {@link TestDnsServer} for a {@code @QuarkusTest} and makes it the service's only upstream. */
public class TestDnsServerResource implements QuarkusTestResourceLifecycleManager {

    private TestDnsServer server;

    @Override
    public Map<String, String> start() {
        server = TestDnsServer.start();
        return Map.of("dns.upstreams", server.hostPort());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectTestDnsServer.class, TestDnsServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
