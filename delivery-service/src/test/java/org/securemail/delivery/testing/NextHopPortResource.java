package org.securemail.delivery.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.securemail.testing.FreePorts;

/** Picks a free port for MX-derived next hops ({@code delivery.next-hop-port}); tests bind sinks on it. */
public class NextHopPortResource implements QuarkusTestResourceLifecycleManager {

    public static volatile int port;

    @Override
    public Map<String, String> start() {
        port = FreePorts.next();
        return Map.of("delivery.next-hop-port", Integer.toString(port));
    }

    @Override
    public void stop() {
        // nothing to stop
    }
}
