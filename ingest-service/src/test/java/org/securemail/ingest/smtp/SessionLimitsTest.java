package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** Limits of one session: command line length and error count. */
@QuarkusTest
class SessionLimitsTest extends ProvisionedIngressTestBase {

    @Test
    void overlongCommandLineIsRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("NOOP " + "x".repeat(600))).isEqualTo("500 5.5.2 Error: command line too long");
            assertThat(c.command("NOOP " + "x".repeat(500))).isEqualTo("250 2.0.0 Ok"); // 507 bytes with CRLF
            assertThat(c.command("NOOP " + "x".repeat(70_000))).isEqualTo("500 5.5.2 Error: command line too long");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void tooManyErrorsDisconnects() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            for (int i = 0; i < 19; i++) {
                assertThat(c.command("BOGUS")).startsWith("500 5.5.1");
            }
            c.send("BOGUS\r\n");
            assertThat(c.reply()).startsWith("500 5.5.1");
            assertThat(c.reply()).isEqualTo("421 4.7.0 Error: too many errors");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
