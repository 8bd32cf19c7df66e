package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DataDecoderTest {

    private static final class Run {
        final MessageBuffer buffer;
        final DataDecoder decoder;
        int end;

        Run(long limit, int maxLine) {
            buffer = new MessageBuffer(limit);
            decoder = new DataDecoder(buffer, maxLine);
        }

        Run feed(String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            end = decoder.feed(b, 0, b.length);
            return this;
        }

        String text() {
            return new String(buffer.toByteArray(), StandardCharsets.ISO_8859_1);
        }
    }

    private static Run run(String s) {
        return new Run(1 << 20, 998).feed(s);
    }

    @Test
    void endsOnlyAtCrLfDotCrLf() {
        Run r = run("Subject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@b>\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.end).isEqualTo("Subject: x\r\n\r\nbody\r\n.\r\n".length());
        assertThat(r.text()).isEqualTo("Subject: x\r\n\r\nbody\r\n");
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.NONE);
    }

    @Test
    void aNulBeforeOrAfterTheDotDoesNotEndDataAndTaintsIt() {
        for (String fakeEnd : new String[] {"\r\n\0.\r\n", "\r\n.\0\r\n"}) {
            Run r = run("Subject: x\r\n\r\nbody" + fakeEnd + "MAIL FROM:<a@b>\r\n.\r\n");
            assertThat(r.decoder.done()).as(fakeEnd).isTrue();
            assertThat(r.text()).as(fakeEnd).contains("MAIL FROM:<a@b>");
            assertThat(r.decoder.defect()).as(fakeEnd).isEqualTo(DataDecoder.Defect.NUL);
        }
    }

    @Test
    void aNulAnywhereTaintsTheMessage() {
        Run r = run("Subject: x\r\n\r\nbo\0dy\r\n.\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.NUL);
    }

    @Test
    void emptyMessageEndsAtFirstDotLine() {
        Run r = run(".\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.text()).isEmpty();
    }

    @Test
    void lfDotLfDoesNotEndDataAndTaintsIt() {
        Run r = run("a\r\n\n.\nMAIL FROM:<evil@x>\r\n");
        assertThat(r.decoder.done()).isFalse();
        assertThat(r.end).isEqualTo(-1);
        r.feed("\r\n.\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.BARE_NEWLINE);
    }

    @Test
    void lfDotCrLfDoesNotEndData() {
        Run r = run("a\n.\r\nMAIL FROM:<evil@x>\r\n");
        assertThat(r.decoder.done()).isFalse();
        r.feed(".\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.BARE_NEWLINE);
    }

    @Test
    void crLfDotLfDoesNotEndData() {
        Run r = run("a\r\n.\nMAIL FROM:<evil@x>\r\n");
        assertThat(r.decoder.done()).isFalse();
        r.feed(".\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.BARE_NEWLINE);
    }

    @Test
    void rejectsBareCarriageReturn() {
        Run r = run("a\rb\r\n.\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.BARE_NEWLINE);
    }

    @Test
    void unstuffsLeadingDots() {
        Run r = run("..hidden\r\n.\r\n");
        // ".." at line start becomes "."; the second line "." ends the message
        assertThat(r.text()).isEqualTo(".hidden\r\n");
        Run r2 = run("x\r\n...\r\n..\r\n.\r\n");
        assertThat(r2.text()).isEqualTo("x\r\n..\r\n.\r\n");
    }

    @Test
    void terminatorSplitAcrossReadsIsRecognised() {
        Run r = new Run(1 << 20, 998);
        for (String part : new String[] {"body\r", "\n", ".", "\r", "\n"}) {
            r.feed(part);
        }
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.text()).isEqualTo("body\r\n");
    }

    @Test
    void oversizedMessageIsCountedNotStored() {
        Run r = new Run(10, 998).feed("0123456789abcdefghij\r\n.\r\n");
        assertThat(r.decoder.done()).isTrue();
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.TOO_BIG);
        assertThat(r.buffer.length()).isEqualTo(10);
        assertThat(r.buffer.offered()).isEqualTo(22);
    }

    @Test
    void flagsLinesLongerThanLimit() {
        Run r = new Run(1 << 20, 5).feed("123456\r\n.\r\n");
        assertThat(r.decoder.defect()).isEqualTo(DataDecoder.Defect.LINE_TOO_LONG);
        Run ok = new Run(1 << 20, 5).feed("12345\r\n12345\r\n.\r\n");
        assertThat(ok.decoder.defect()).isEqualTo(DataDecoder.Defect.NONE);
    }
}
