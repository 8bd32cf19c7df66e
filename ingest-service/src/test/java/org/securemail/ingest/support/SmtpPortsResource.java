package org.securemail.ingest.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.securemail.testing.FreePorts;

/** Binds both SMTP listeners to free loopback ports for one test class. */
public class SmtpPortsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "ingest.mx.host", "127.0.0.1",
                "ingest.mx.port", Integer.toString(FreePorts.next()),
                "ingest.submission.host", "127.0.0.1",
                "ingest.submission.port", Integer.toString(FreePorts.next()),
                "ingest.instances", "2");
    }

    @Override
    public void stop() {
    }
}
