package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** RFC 6376 §3.4: the §3.4.5 example and the edge cases around empty and unterminated bodies. */
class CanonicalizationTest {

    /** §3.4.5 example message: "A: X", "B : Y<HTAB>" folded with "<HTAB>Z<SP><SP>", then the body. */
    private static final String EXAMPLE = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void relaxedHeadersMatchTheRfcExample() {
        ParsedMessage message = parse(EXAMPLE);

        assertThat(Canonicalization.RELAXED.header(message.headers().get(0))).isEqualTo("a:X");
        assertThat(Canonicalization.RELAXED.header(message.headers().get(1))).isEqualTo("b:Y Z");
    }

    @Test
    void simpleHeadersAreKeptAsReceived() {
        ParsedMessage message = parse(EXAMPLE);

        assertThat(Canonicalization.SIMPLE.header(message.headers().get(0))).isEqualTo("A: X");
        assertThat(Canonicalization.SIMPLE.header(message.headers().get(1))).isEqualTo("B : Y\t\r\n\tZ  ");
    }

    @Test
    void relaxedBodyMatchesTheRfcExample() {
        assertThat(bodyHash(EXAMPLE, Canonicalization.RELAXED)).isEqualTo(sha256(" C\r\nD E\r\n"));
    }

    @Test
    void simpleBodyMatchesTheRfcExample() {
        assertThat(bodyHash(EXAMPLE, Canonicalization.SIMPLE)).isEqualTo(sha256(" C \r\nD \t E\r\n"));
    }

    @Test
    void emptyBodyIsOneCrlfInSimpleAndNothingInRelaxed() {
        String message = "From: a@example.org\r\n\r\n";

        assertThat(bodyHash(message, Canonicalization.SIMPLE)).isEqualTo(sha256("\r\n"));
        assertThat(bodyHash(message, Canonicalization.RELAXED)).isEqualTo(sha256(""));
    }

    @Test
    void bodyOfOnlyEmptyLinesIsTreatedAsEmpty() {
        String message = "From: a@example.org\r\n\r\n\r\n\r\n  \r\n";

        assertThat(bodyHash(message, Canonicalization.SIMPLE)).isEqualTo(sha256("\r\n\r\n  \r\n"));
        assertThat(bodyHash(message, Canonicalization.RELAXED)).isEqualTo(sha256(""));
    }

    @Test
    void bodyWithoutFinalCrlfGetsOne() {
        String message = "From: a@example.org\r\n\r\nlast line";

        assertThat(bodyHash(message, Canonicalization.SIMPLE)).isEqualTo(sha256("last line\r\n"));
        assertThat(bodyHash(message, Canonicalization.RELAXED)).isEqualTo(sha256("last line\r\n"));
    }

    @Test
    void bodyLengthLimitHashesThePrefixAndCountsTheWhole() {
        ParsedMessage message = parse("From: a@example.org\r\n\r\nabc\r\ndef\r\n");

        BodyHasher.BodyHash hash = BodyHasher.hash(message.raw(), message.bodyStart(), Canonicalization.SIMPLE, 5);

        assertThat(hash.digest()).isEqualTo(sha256("abc\r\n"));
        assertThat(hash.canonicalLength()).isEqualTo(10);
    }

    @Test
    void signatureValueIsEmptiedButBodyHashKept() {
        String field = "DKIM-Signature: v=1; bh=AAAA;\r\n b=abc\r\n def; d=example.org";

        assertThat(SignedData.withoutSignatureValue(field))
                .isEqualTo("DKIM-Signature: v=1; bh=AAAA;\r\n b=; d=example.org");
    }

    @Test
    void continuationLinesBelongToTheirField() {
        ParsedMessage message = parse("Subject: one\r\n two\r\n\tthree\r\nTo: b@example.net\r\n\r\nbody\r\n");

        assertThat(message.headers()).hasSize(2);
        assertThat(message.headers().get(0).text()).isEqualTo("Subject: one\r\n two\r\n\tthree");
        assertThat(Canonicalization.RELAXED.header(message.headers().get(0))).isEqualTo("subject:one two three");
    }

    private static ParsedMessage parse(String message) {
        return ParsedMessage.parse(message.getBytes(StandardCharsets.ISO_8859_1), DkimLimits.defaults());
    }

    private static byte[] bodyHash(String message, Canonicalization canon) {
        ParsedMessage parsed = parse(message);
        return BodyHasher.hash(parsed.raw(), parsed.bodyStart(), canon, Long.MAX_VALUE).digest();
    }

    private static byte[] sha256(String text) {
        return BodyHasher.sha256().digest(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
