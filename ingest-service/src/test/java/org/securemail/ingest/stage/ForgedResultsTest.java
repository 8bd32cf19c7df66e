package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ForgedResultsTest {

    private static final String ID = "mx.securemail.test";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aFieldClaimingOurIdIsRemovedAndEveryOtherByteIsKept() {
        String message = "Received: from a\r\n by b\r\n"
                + "Authentication-Results: mx.securemail.test; spf=pass smtp.mailfrom=bank.example\r\n"
                + "DKIM-Signature: v=1; d=x.example;\r\n b=abc\r\n"
                + "Subject: hi\r\n\r\nbody\r\n";
        String stripped = text(ForgedResults.strip(bytes(message), ID));
        assertThat(stripped).isEqualTo("Received: from a\r\n by b\r\n"
                + "DKIM-Signature: v=1; d=x.example;\r\n b=abc\r\n"
                + "Subject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void foldedCommentedAndDifferentlyCasedClaimsAreRemovedToo() {
        String message = "authentication-RESULTS:\r\n (trust me) MX.SecureMail.Test;\r\n\tdkim=pass header.d=bank.example\r\n"
                + "Authentication-Results:mx.securemail.test;dmarc=pass\r\n"
                + "From: a@b.example\r\n\r\n";
        assertThat(text(ForgedResults.strip(bytes(message), ID))).isEqualTo("From: a@b.example\r\n\r\n");
    }

    @Test
    void aQuotedClaimAndOneAfterAMegabyteOfHeaderAreRemovedToo() {
        String padding = "X-Pad: " + "a".repeat(900) + "\r\n";
        String message = padding.repeat(1300) + "Authentication-Results: \"mx.securemail.\\test\"; dmarc=pass\r\n"
                + "Authentication-Results: \"MX.SECUREMAIL.TEST\"; spf=pass\r\n\r\nbody\r\n";
        assertThat(text(ForgedResults.strip(bytes(message), ID))).isEqualTo(padding.repeat(1300) + "\r\nbody\r\n");
        assertThat(ForgedResults.authservId(" \"mx.Example\" ; spf=pass")).isEqualTo("mx.example");
    }

    @Test
    void anotherServersResultsAndOurIdAsAPrefixOfAnotherAreKept() {
        String message = "Authentication-Results: mx.other.example; spf=pass\r\n"
                + "Authentication-Results: mx.securemail.test.evil.example; spf=pass\r\n"
                + "X-Note: Authentication-Results: mx.securemail.test; spf=pass\r\n\r\n";
        byte[] raw = bytes(message);
        assertThat(ForgedResults.strip(raw, ID)).isSameAs(raw);
    }

    @Test
    void aFieldLikeLineInTheBodyIsNotTouched() {
        String message = "Subject: x\r\n\r\nAuthentication-Results: mx.securemail.test; spf=pass\r\n";
        byte[] raw = bytes(message);
        assertThat(ForgedResults.strip(raw, ID)).isSameAs(raw);
    }

    @Test
    void bareLineFeedsAndAMessageWithoutBodyAreHandled() {
        String message = "Authentication-Results: mx.securemail.test; spf=pass\nSubject: x\n";
        assertThat(text(ForgedResults.strip(bytes(message), ID))).isEqualTo("Subject: x\n");
        assertThat(ForgedResults.strip(new byte[0], ID)).isEmpty();
    }

    @Test
    void theAuthservIdIsTheFirstTokenAfterCommentsAndWhitespace() {
        assertThat(ForgedResults.authservId(" (c (nested)) Mx.Example;\r\n spf=pass")).isEqualTo("mx.example");
        assertThat(ForgedResults.authservId("mx.example 1; none")).isEqualTo("mx.example");
        assertThat(ForgedResults.authservId("   ")).isEmpty();
    }
}
