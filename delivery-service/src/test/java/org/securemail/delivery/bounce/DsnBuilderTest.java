package org.securemail.delivery.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;

class DsnBuilderTest {

    private final DsnBuilder builder = new DsnBuilder("mta.securemail.test");
    private final MailEnvelope envelope = new MailEnvelope("Q1", "alice@origin.test", List.of("bob@dest.test"),
            "192.0.2.1", "client", null, null, "t1", Direction.OUTBOUND, Instant.parse("2026-11-28T10:00:00Z"), 100);
    private final byte[] original = "From: alice@origin.test\r\nSubject: Hello\r\nMessage-ID: <m1@origin.test>\r\n\r\nsecret body\r\n"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void buildsAMultipartReportWithPerRecipientStatusAndTheOriginalHeaders() {
        String dsn = new String(builder.build(envelope, original,
                List.of(new DsnBuilder.Failure("bob@dest.test", "5.1.1", "550 5.1.1 no such user", "mx.dest.test[192.0.2.5]:25")),
                false, Instant.parse("2026-11-28T10:05:00Z")), StandardCharsets.UTF_8);

        assertThat(dsn).contains("Content-Type: multipart/report; report-type=delivery-status;");
        assertThat(dsn).contains("To: <alice@origin.test>");
        assertThat(dsn).contains("Content-Type: message/delivery-status");
        assertThat(dsn).contains("Reporting-MTA: dns; mta.securemail.test");
        assertThat(dsn).contains("Final-Recipient: rfc822; bob@dest.test");
        assertThat(dsn).contains("Action: failed");
        assertThat(dsn).contains("Status: 5.1.1");
        assertThat(dsn).contains("Remote-MTA: dns; mx.dest.test");
        assertThat(dsn).contains("Diagnostic-Code: smtp; 550 5.1.1 no such user");
        assertThat(dsn).contains("Content-Type: text/rfc822-headers");
        assertThat(dsn).contains("Subject: Hello").contains("Message-ID: <m1@origin.test>");
        assertThat(dsn).doesNotContain("secret body");
        assertThat(dsn).doesNotContain("\n\n").as("CRLF line ends only");
    }

    @Test
    void anExpiredMessageSaysSo() {
        String dsn = new String(builder.build(envelope, original,
                List.of(new DsnBuilder.Failure("bob@dest.test", "4.4.7", "message expired; last error: 451 4.4.1 refused",
                        null)),
                true, Instant.parse("2026-12-03T10:00:00Z")), StandardCharsets.UTF_8);

        assertThat(dsn).contains("Status: 4.4.7").contains("could not be delivered within the maximum time");
    }
}
