package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.securemail.ingest.support.Fixtures.INBOUND;

import java.time.Duration;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/** BDAT (RFC 3030): chunks counted exactly, joined and queued after LAST. */
@QuarkusTest
class BdatTest extends ProvisionedIngressTestBase {

    @Test
    void bdatChunksAreJoinedAndQueued() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            assertThat(c.greetAndEhlo()).contains("CHUNKING").contains("PIPELINING").contains("SIZE 26214400");
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> BODY=8BITMIME")).startsWith("250 2.1.0");
            assertThat(c.command("RCPT TO:<x@" + INBOUND + ">")).startsWith("250 2.1.5");
            String part1 = "Subject: chunked\r\n\r\n";
            String part2 = "line with\r\n.dot kept as is\r\n";
            c.send("BDAT " + part1.length() + "\r\n" + part1);
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: " + part1.length() + " octets received");
            c.send("BDAT " + part2.length() + " LAST\r\n" + part2);
            String reply = c.reply();
            String id = Fixtures.queueId(reply);
            String text = Fixtures.text(Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
            assertThat(text).endsWith("\r\n" + part1 + part2);
        }
    }
}
