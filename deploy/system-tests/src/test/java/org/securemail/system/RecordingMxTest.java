package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.testing.RecordingMx;
import org.securemail.testing.RecordingMx.Key;

/** The recording MX of {@link OutageIT}, over real TCP: what it records, how it counts duplicates. */
class RecordingMxTest {

    private RecordingMx mx;

    @BeforeEach
    void start() {
        mx = RecordingMx.start();
    }

    @AfterEach
    void stop() {
        mx.close();
    }

    @Test
    void recordsEveryRecipientOfAMessageWithItsMessageId() throws IOException {
        try (SmtpProbe smtp = new SmtpProbe(mx.port())) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(smtp.command("EHLO client.test")).isEqualTo("250 ENHANCEDSTATUSCODES");
            assertThat(smtp.command("MAIL FROM:<a@client.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<One@Example.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<two@example.test> NOTIFY=NEVER")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command("Subject: x\r\nMessage-ID:\r\n <m1@client.test>\r\n\r\n..body\r\n."))
                    .startsWith("250 2.0.0");
        }
        Key one = new Key("<m1@client.test>", "one@example.test");
        Key two = new Key("<m1@client.test>", "two@example.test");
        assertThat(mx.received(one)).isTrue();
        assertThat(mx.received(two)).isTrue();
        assertThat(mx.firstReceivedAt(one)).isPositive();
        assertThat(mx.unique()).isEqualTo(2);
        assertThat(mx.messages()).isEqualTo(1);
        assertThat(mx.duplicates()).isZero();
        assertThat(mx.missing(List.of(one, new Key("<m2@client.test>", "one@example.test"))))
                .containsExactly(new Key("<m2@client.test>", "one@example.test"));
    }

    @Test
    void aSecondReceiptOfTheSamePairIsADuplicate() throws IOException {
        for (int i = 0; i < 2; i++) {
            try (SmtpProbe smtp = new SmtpProbe(mx.port())) {
                smtp.reply();
                smtp.command("HELO client.test");
                smtp.command("MAIL FROM:<>");
                smtp.command("RCPT TO:<x@example.test>");
                smtp.command("DATA");
                assertThat(smtp.command("Message-ID: <dup@client.test>\r\n\r\nagain\r\n.")).startsWith("250");
            }
        }
        assertThat(mx.receipts()).isEqualTo(2);
        assertThat(mx.unique()).isEqualTo(1);
        assertThat(mx.duplicates()).isEqualTo(1);
        assertThat(mx.duplicated()).containsEntry(new Key("<dup@client.test>", "x@example.test"), 2);
        assertThat(mx.connections()).isEqualTo(2);
    }

    @Test
    void answersPipelinedCommandsInOrder() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", mx.port());
             SmtpProbe replies = SmtpProbe.over(socket)) {
            replies.reply();
            OutputStream out = socket.getOutputStream();
            out.write(("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<p@example.test>\r\nDATA\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(replies.reply()).startsWith("250 ");
            assertThat(replies.reply()).startsWith("250 2.1.0");
            assertThat(replies.reply()).startsWith("250 2.1.5");
            assertThat(replies.reply()).startsWith("354");
            assertThat(replies.command("Message-ID: <p@client.test>\r\n\r\nbody\r\n.")).startsWith("250 2.0.0");
            assertThat(replies.command("QUIT")).startsWith("221");
        }
        assertThat(mx.received(new Key("<p@client.test>", "p@example.test"))).isTrue();
    }

    @Test
    void aMessageWithoutMessageIdIsRecordedUnderNone() throws IOException {
        try (SmtpProbe smtp = new SmtpProbe(mx.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@client.test>");
            smtp.command("RCPT TO:<n@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: no id\r\n\r\nMessage-ID: <in-body@client.test>\r\n.")).startsWith("250");
        }
        assertThat(mx.keys()).containsExactly(new Key("<none>", "n@example.test"));
    }
}
