package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.INBOUND;
import static org.securemail.ingest.support.Fixtures.LISTED;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * Mail loops (issue 12): a message that has already crossed more than {@code ingest.limits.max-hops} (50) servers is
 * refused with {@code 554 5.4.6}, as Postfix does, and a recipient domain written with a trailing dot, in upper case
 * or in Unicode is the provisioned domain, not a stranger routed by MX back to us.
 */
@QuarkusTest
class MailLoopTest extends ProvisionedIngressTestBase {

    @Inject
    MeterRegistry registry;

    @Test
    void fiftyReceivedHeadersAreAcceptedAndFiftyOneAreATooManyHopsLoop() throws Exception {
        double before = loopRejections();
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            String fifty = message(50, "fifty-" + UUID.randomUUID());
            String reply = send(c, fifty);
            assertThat(reply).startsWith("250 2.0.0");
            assertThat(Fixtures.find(broker, Fixtures.queueId(reply), Duration.ofSeconds(20))).isPresent();

            String marker = "loop-" + UUID.randomUUID();
            assertThat(send(c, message(51, marker))).isEqualTo("554 5.4.6 Too many hops");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            String after = send(c, message(0, "after-" + marker));
            assertThat(Fixtures.find(broker, Fixtures.queueId(after), Duration.ofSeconds(20))).isPresent();
            assertThat(broker.readToEnd(Topics.MAIL_ACCEPTED)).noneMatch(r -> Fixtures.text(r).contains("Subject: " + marker));
        }
        assertThat(loopRejections()).isEqualTo(before + 1);
    }

    @Test
    void receivedLinesInTheBodyAreNotHops() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            String body = "Received: from quoted.test\r\n".repeat(60);
            String reply = send(c, "Subject: quoted\r\n\r\n" + body);
            assertThat(reply).startsWith("250 2.0.0");
        }
    }

    @Test
    void aTrailingDotUpperCaseOrUnicodeRecipientDomainIsTheProvisionedOne() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<x@" + INBOUND + ".>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("RCPT TO:<x@" + INBOUND.toUpperCase() + ".>")).isEqualTo("250 2.1.5 Ok");
            // a recipient-list domain checks its list whatever the spelling of the domain
            assertThat(c.command("RCPT TO:<mallory@" + LISTED + ".>")).startsWith("550 5.1.1");
        }
    }

    private static String send(RawSmtpClient c, String message) throws Exception {
        assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
        assertThat(c.command("RCPT TO:<victim@" + INBOUND + ">")).startsWith("250");
        assertThat(c.command("DATA")).startsWith("354");
        return c.command(message + ".");
    }

    /** A message whose header section carries {@code hops} Received headers, folded as real ones are. */
    private static String message(int hops, String subject) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < hops; i++) {
            m.append(i % 2 == 0 ? "Received: " : "received : ").append("from hop").append(i).append(".test\r\n")
                    .append("\tby hop").append(i + 1).append(".test with ESMTP id ").append(i).append("\r\n");
        }
        return m.append("Subject: ").append(subject).append("\r\n\r\nbody\r\n").toString();
    }

    private double loopRejections() {
        Counter counter = registry.find("smtp.rejections").tag("reason", "too_many_hops")
                .tag("listener", Listener.MX.tag()).counter();
        return counter == null ? 0 : counter.count();
    }
}
