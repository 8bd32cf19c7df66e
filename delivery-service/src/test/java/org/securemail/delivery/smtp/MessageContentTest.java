package org.securemail.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DATA wire form of whatever a record holds: canonical CRLF, no NUL, dot-stuffed, one end (issue 18). */
class MessageContentTest {

    private static String wire(String raw) {
        return new String(MessageContent.of(raw.getBytes(StandardCharsets.ISO_8859_1)).wire(),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCanonicalMessageIsSentAsItIsWithTheEndLine() {
        assertThat(wire("Subject: x\r\n\r\nbody\r\n")).isEqualTo("Subject: x\r\n\r\nbody\r\n.\r\n");
    }

    @Test
    void leadingDotsAreDoubledAndAMissingFinalLineEndIsAdded() {
        assertThat(wire("Subject: x\r\n\r\n.\r\n..two\r\nlast")).isEqualTo("Subject: x\r\n\r\n..\r\n...two\r\nlast\r\n.\r\n");
    }

    /** Every fake end of hannob's smtpsmug, as a record could hold it, followed by smuggled commands. */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\r.\n", "\n.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r",
            "\r\n\0.\r\n", "\r\n.\0\r\n"})
    void noFakeEndSurvivesOnTheWire(String fakeEnd) {
        String out = wire("Subject: x\r\n\r\nbody" + fakeEnd + "MAIL FROM:<admin@victim.test>\r\nDATA\r\nforged\r\n");

        assertThat(out).doesNotContain("\0");
        assertThat(out.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        assertThat(out.indexOf("\r\n.\r\n")).isEqualTo(out.length() - 5);
        assertThat(out).contains("\r\n..\r\n"); // the fake end's dot is now text: stuffed
        assertThat(out).endsWith("MAIL FROM:<admin@victim.test>\r\nDATA\r\nforged\r\n.\r\n");
    }

    @Test
    void theDeclaredSizeCountsTheCanonicalUnstuffedForm() {
        MessageContent content = MessageContent.of("a\nb\0\r\n.c".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(content.size()).isEqualTo("a\r\nb\r\n.c\r\n".length());
    }
}
