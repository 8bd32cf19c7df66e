package org.securemail.ingest.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.securemail.testing.FreePorts;

/**
 * Binds both SMTP listeners and the management interface ({@code /q/*}) to free loopback ports for one test class. The
 * management port is chosen here rather than by Quarkus, so a test of the packaged jar knows it too.
 */
public class SmtpPortsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile int mxPort;
    private static volatile int submissionPort;
    private static volatile int managementPort;

    @Override
    public Map<String, String> start() {
        mxPort = FreePorts.next();
        submissionPort = FreePorts.next();
        managementPort = FreePorts.next();
        return Map.of(
                "quarkus.management.test-port", Integer.toString(managementPort),
                "quarkus.management.port", Integer.toString(managementPort),
                "ingest.mx.host", "127.0.0.1",
                "ingest.mx.port", Integer.toString(mxPort),
                "ingest.submission.host", "127.0.0.1",
                "ingest.submission.port", Integer.toString(submissionPort),
                "ingest.instances", "2");
    }

    /** The MX port given to the application (also for tests of the packaged jar, which cannot inject beans). */
    public static int mxPort() {
        return mxPort;
    }

    public static int submissionPort() {
        return submissionPort;
    }

    public static int managementPort() {
        return managementPort;
    }

    @Override
    public void stop() {
    }
}
