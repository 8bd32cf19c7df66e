package org.securemail.testing;

import io.quarkus.test.common.http.TestHTTPResourceManager;

/**
 * The management interface of the Quarkus application under test: {@code /q/*} (health, metrics) is served there and
 * not on the application port (ADR 0062). Its test port is random ({@code quarkus.management.test-port=0}).
 */
public final class Management {

    private Management() {
    }

    /** The URL of {@code /q/<path>} on the management interface, e.g. {@code url("metrics")}. */
    public static String url(String path) {
        return TestHTTPResourceManager.getManagementUri() + "/" + path;
    }
}
