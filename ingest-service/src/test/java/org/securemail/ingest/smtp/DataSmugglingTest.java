package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** SMTP smuggling (ADR 0023): only CRLF.CRLF ends DATA, and a bare CR or LF refuses the whole message. */
@QuarkusTest
class DataSmugglingTest extends ProvisionedIngressTestBase {

    private void assertSmugglingRefused(String smuggle) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<victim@" + INBOUND + ">");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: smuggle\r\n\r\nbody" + smuggle
                    + "MAIL FROM:<admin@" + INBOUND + ">\r\nRCPT TO:<victim@" + INBOUND + ">\r\nDATA\r\n"
                    + "Subject: forged\r\n\r\nforged\r\n.\r\n");
            // exactly one reply for the whole thing: the smuggled commands were message text
            assertThat(c.reply()).isEqualTo("550 5.5.2 Error: bare <CR> or <LF> received in message");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    /** The eight bare-CR/LF endings of hannob's smtpsmug (the NUL endings are in {@link NulSmugglingTest}). */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\r.\n", "\n.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r"})
    void aFakeEndWithABareCrOrLfDoesNotEndDataAndRefusesTheMessage(String fakeEnd) throws Exception {
        assertSmugglingRefused(fakeEnd);
    }
}
