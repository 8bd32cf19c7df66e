package org.securemail.ingest.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.securemail.testing.FreePorts;

/** Binds both SMTP listeners to free loopback ports for one test class. */
public class SmtpPortsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile int mxPort;
    private static volatile int submissionPort;

    @Override
    public Map<String, String> start() {
        mxPort = FreePorts.next();
        submissionPort = FreePorts.next();
        return Map.of(
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

    @Override
    public void stop() {
    }
}
