package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.time.Duration;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** The session itself: pipelined replies in order, command sequence and dispatch, bare LF in a command. */
@QuarkusTest
class SessionTest extends ProvisionedIngressTestBase {

    @Test
    void pipelinedTransactionGetsEveryReplyInOrder() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            c.send("EHLO pipe.test\r\nMAIL FROM:<p@elsewhere.test>\r\nRCPT TO:<one@" + INBOUND + ">\r\n"
                    + "RCPT TO:<nobody@unprovisioned.test>\r\nRCPT TO:<two@" + INBOUND + ">\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250-localhost");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).isEqualTo("550 5.7.1 Relay access denied");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).startsWith("354 ");
            c.send("Subject: pipelined\r\n\r\nhi\r\n.\r\nNOOP\r\nQUIT\r\n");
            String id = Fixtures.queueId(c.reply());
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
            assertThat(c.reply()).isEqualTo("221 2.0.0 Bye");
            MailEnvelope env = Fixtures.envelope(JSON, Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
            assertThat(env.recipients()).containsExactly("one@" + INBOUND, "two@" + INBOUND);
        }
    }

    @Test
    void commandsOutOfSequenceAndUnknownAreRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            assertThat(c.command("MAIL FROM:<a@b.test>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
            c.ehlo();
            assertThat(c.command("RCPT TO:<x@" + INBOUND + ">")).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(c.command("DATA")).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(c.command("FROB")).isEqualTo("500 5.5.1 Error: command not recognized");
            assertThat(c.command("VRFY someone")).startsWith("252 2.0.0");
            assertThat(c.command("HELP")).startsWith("214 2.0.0");
            assertThat(c.command("MAIL FROM:<a@b.test>")).startsWith("250");
            assertThat(c.command("MAIL FROM:<a@b.test>")).isEqualTo("503 5.5.1 Error: nested MAIL command");
            assertThat(c.command("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(c.command("QUIT")).isEqualTo("221 2.0.0 Bye");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void rejectsBareLineFeedInCommand() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            c.send("EHLO x.test\nNOOP\r\n");
            assertThat(c.reply()).isEqualTo("500 5.5.2 Error: bare <CR> or <LF> received");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }
}
