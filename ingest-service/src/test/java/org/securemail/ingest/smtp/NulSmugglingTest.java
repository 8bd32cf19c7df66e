package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.CUSTOMER;
import static org.securemail.ingest.support.Fixtures.INBOUND;
import static org.securemail.ingest.support.Fixtures.PASSWORD;
import static org.securemail.ingest.support.Fixtures.USER;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * SMTP smuggling with NUL bytes (issue 18): {@code <CR><LF>NUL.<CR><LF>} and {@code <CR><LF>.NUL<CR><LF>} do not end
 * DATA, and a NUL anywhere in DATA, in a BDAT chunk or in a command line is refused, on both listeners. Nothing of a
 * refused message reaches {@code mail.accepted}, the session goes on, and each refusal is counted.
 */
@QuarkusTest
class NulSmugglingTest extends ProvisionedIngressTestBase {

    private static final String REFUSED = "550 5.6.0 Error: NUL character received in message";

    @Inject
    MeterRegistry registry;

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aNulBeforeTheDotDoesNotEndData(Listener door) throws Exception {
        assertSmugglingRefused(door, "\r\n\0.\r\n");
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aNulAfterTheDotDoesNotEndData(Listener door) throws Exception {
        assertSmugglingRefused(door, "\r\n.\0\r\n");
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aNulAnywhereInDataRefusesTheMessage(Listener door) throws Exception {
        String marker = marker();
        double before = nulRejections(door);
        try (RawSmtpClient c = openTransaction(door)) {
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: " + marker + "\r\n\r\nfirst line\r\nsecond\0line\r\n.\r\n");
            assertThat(c.reply()).isEqualTo(REFUSED);
            assertTheSessionGoesOnAndNothingWasQueued(c, door, marker);
        }
        assertThat(nulRejections(door)).isEqualTo(before + 1);
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aNulInABdatChunkRefusesTheMessage(Listener door) throws Exception {
        String marker = marker();
        double before = nulRejections(door);
        try (RawSmtpClient c = openTransaction(door)) {
            String chunk = "Subject: " + marker + "\r\n\r\nbinary\0data\r\n";
            c.send("BDAT " + chunk.length() + " LAST\r\n" + chunk);
            assertThat(c.reply()).isEqualTo(REFUSED);
            assertTheSessionGoesOnAndNothingWasQueued(c, door, marker);
        }
        assertThat(nulRejections(door)).isEqualTo(before + 1);
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aNulInACommandLineIsRefused(Listener door) throws Exception {
        double before = nulRejections(door);
        try (RawSmtpClient c = new RawSmtpClient(door == Listener.MX ? mx() : submission())) {
            c.greetAndEhlo();
            assertThat(c.command("EHLO client\0.test")).isEqualTo("500 5.5.2 Error: NUL character received");
            assertThat(c.command("MAIL FROM:<a\0b@elsewhere.test>")).isEqualTo("500 5.5.2 Error: NUL character received");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(nulRejections(door)).isEqualTo(before + 2);
    }

    private void assertSmugglingRefused(Listener door, String fakeEnd) throws Exception {
        String marker = marker();
        double before = nulRejections(door);
        try (RawSmtpClient c = openTransaction(door)) {
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: " + marker + "\r\n\r\nbody" + fakeEnd
                    + "MAIL FROM:<admin@" + INBOUND + ">\r\nRCPT TO:<victim@" + INBOUND + ">\r\nDATA\r\n"
                    + "Subject: forged " + marker + "\r\n\r\nforged\r\n.\r\n");
            // exactly one reply for the whole thing: the smuggled commands were message text
            assertThat(c.reply()).isEqualTo(REFUSED);
            assertTheSessionGoesOnAndNothingWasQueued(c, door, marker);
        }
        assertThat(nulRejections(door)).isEqualTo(before + 1);
    }

    /** A clean message in the same session is queued; no record up to it carries the refused message's marker. */
    private void assertTheSessionGoesOnAndNothingWasQueued(RawSmtpClient c, Listener door, String marker) throws Exception {
        assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        envelope(c, door);
        assertThat(c.command("DATA")).startsWith("354");
        String reply = c.command("Subject: clean\r\n\r\nclean\r\n.");
        assertThat(Fixtures.find(broker, Fixtures.queueId(reply), Duration.ofSeconds(20))).isPresent();
        assertThat(broker.readToEnd(Topics.MAIL_ACCEPTED)).noneMatch(r -> Fixtures.text(r).contains(marker));
    }

    private RawSmtpClient openTransaction(Listener door) throws Exception {
        RawSmtpClient c = new RawSmtpClient(door == Listener.MX ? mx() : submission());
        c.greetAndEhlo();
        if (door == Listener.SUBMISSION) {
            assertThat(c.command("STARTTLS")).startsWith("220");
            c.upgradeToTls();
            c.ehlo();
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD))).startsWith("235");
        }
        envelope(c, door);
        return c;
    }

    private static void envelope(RawSmtpClient c, Listener door) throws Exception {
        if (door == Listener.MX) {
            assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<victim@" + INBOUND + ">")).startsWith("250");
        } else {
            assertThat(c.command("MAIL FROM:<" + USER + "@" + CUSTOMER + ">")).startsWith("250");
            assertThat(c.command("RCPT TO:<someone@elsewhere.test>")).startsWith("250");
        }
    }

    private double nulRejections(Listener door) {
        Counter counter = registry.find("smtp.rejections").tag("reason", "nul")
                .tag("listener", door.tag()).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String marker() {
        return "nul-" + UUID.randomUUID();
    }
}
