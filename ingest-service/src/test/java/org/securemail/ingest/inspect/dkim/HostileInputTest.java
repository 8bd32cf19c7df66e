package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** Broken and oversized input: a result per signature within the bounds, never an exception. */
class HostileInputTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
    private static final String BODY_PART = Fixtures.crlf("""
            From: Alice <alice@example.org>
            Subject: Hi

            Hello.
            """);

    @Test
    void messageWithoutSignatureGivesNoResults() {
        assertThat(verify(BODY_PART, DkimLimits.defaults())).isEmpty();
        assertThat(verify("", DkimLimits.defaults())).isEmpty();
    }

    @Test
    void unparsableSignatureIsPermerrorWithWhatCouldBeRead() {
        List<DkimSignatureResult> results = verify("DKIM-Signature: this is ; not = a ; signature\r\n" + BODY_PART,
                DkimLimits.defaults());

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo(DkimResult.PERMERROR);
            assertThat(r.domain()).isEmpty();
        });
    }

    @Test
    void base64GarbageInTheSignatureIsPermerror() {
        String field = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=rsa2048; h=from;"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=@@@***%%%\r\n";

        DkimSignatureResult result = verify(field + BODY_PART, DkimLimits.defaults()).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.reason()).contains("b= is not base64");
        assertThat(result.domain()).isEqualTo("example.org");
        assertThat(result.headerB()).isEqualTo("@@@***%%");
    }

    @Test
    void thousandsOfHeaderFieldsStopAtTheBoundWithANeutralResult() {
        StringBuilder message = new StringBuilder("DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=x; h=from;"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AAAA\r\n");
        for (int i = 0; i < 5000; i++) {
            message.append("X-Filler-").append(i).append(": value\r\n");
        }
        message.append(BODY_PART);

        DkimSignatureResult result = verify(message.toString(), DkimLimits.defaults()).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.NEUTRAL);
        assertThat(result.reason()).contains("more than 1000 header fields");
    }

    @Test
    void giantSignatureFieldIsPermerror() {
        String field = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=x; h=from; z=" + "A".repeat(100_000)
                + "; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AAAA\r\n";

        DkimSignatureResult result = verify(field + BODY_PART, DkimLimits.defaults()).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.reason()).contains("longer than");
    }

    @Test
    void deeplyFoldedSignedHeaderStillVerifies() {
        StringBuilder folded = new StringBuilder("Subject: start");
        for (int i = 0; i < 20_000; i++) {
            folded.append("\r\n ").append(i % 10);
        }
        String message = Fixtures.crlf("From: Alice <alice@example.org>\n") + folded + "\r\n\r\nBody.\r\n";
        String signed = TestSigner.sign(message, "rsa2048",
                "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=rsa2048; h=from:subject");

        List<DkimSignatureResult> results = new DkimVerifier(Fixtures.realKeys(), DkimLimits.defaults(), CLOCK)
                .verify(Fixtures.latin1(signed)).await().atMost(Duration.ofSeconds(10));

        assertThat(results).singleElement().extracting(DkimSignatureResult::result).isEqualTo(DkimResult.PASS);
    }

    @Test
    void signaturesPastTheBoundAreReportedAsNotEvaluated() {
        String field = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=nokey; h=from;"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AAAA\r\n";
        FakeDnsResolver dns = new FakeDnsResolver().otherwise(org.securemail.common.dns.DnsStatus.NXDOMAIN);

        List<DkimSignatureResult> results = new DkimVerifier(dns, DkimLimits.defaults().withMaxSignatures(3), CLOCK)
                .verify(Fixtures.latin1(field.repeat(5) + BODY_PART)).await().atMost(Duration.ofSeconds(10));

        assertThat(results).extracting(DkimSignatureResult::result).containsExactly(DkimResult.PERMERROR,
                DkimResult.PERMERROR, DkimResult.PERMERROR, DkimResult.NEUTRAL, DkimResult.NEUTRAL);
        assertThat(results.get(3).reason()).contains("not evaluated");
        assertThat(dns.lookups()).isEqualTo(3);
    }

    @Test
    void messageOverTheSizeBoundIsNotEvaluated() {
        String signed = Fixtures.text("real/dkimpy-ed25519.eml");

        List<DkimSignatureResult> results = new DkimVerifier(Fixtures.realKeys(),
                DkimLimits.defaults().withMaxMessageBytes(100), Fixtures.clockAfterSigning(Fixtures.latin1(signed)))
                .verify(Fixtures.latin1(signed)).await().atMost(Duration.ofSeconds(10));

        assertThat(results).singleElement().extracting(DkimSignatureResult::result).isEqualTo(DkimResult.NEUTRAL);
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(6376);
        for (int round = 0; round < 200; round++) {
            byte[] junk = new byte[random.nextInt(4000)];
            random.nextBytes(junk);
            String prefix = round % 2 == 0 ? "DKIM-Signature: v=1; a=ed25519-sha256; d=example.org; s=ed25519; "
                    + "h=from; bh=" : "DKIM-Signature:";
            byte[] message = concat(Fixtures.latin1(prefix), junk);

            List<DkimSignatureResult> results = new DkimVerifier(Fixtures.realKeys(), DkimLimits.defaults(), CLOCK)
                    .verify(message).await().atMost(Duration.ofSeconds(10));

            assertThat(results).allSatisfy(r -> assertThat(r.result()).isNotEqualTo(DkimResult.PASS));
        }
    }

    @Test
    void nullMessageGivesNoResults() {
        assertThat(new DkimVerifier(new FakeDnsResolver(), DkimLimits.defaults(), CLOCK).verify(null)
                .await().atMost(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void signatureOnAHeaderOnlyMessageIsCheckedAgainstAnEmptyBody() {
        String headersOnly = "From: Alice <alice@example.org>\r\nSubject: no body";
        String signed = TestSigner.sign(headersOnly + "\r\n", "rsa2048",
                "v=1; a=rsa-sha256; d=example.org; s=rsa2048; h=from:subject");

        List<DkimSignatureResult> results = new DkimVerifier(Fixtures.realKeys(), DkimLimits.defaults(), CLOCK)
                .verify(Fixtures.latin1(signed.stripTrailing())).await().atMost(Duration.ofSeconds(10));

        assertThat(results).singleElement().extracting(DkimSignatureResult::result).isEqualTo(DkimResult.PASS);
    }

    private static List<DkimSignatureResult> verify(String message, DkimLimits limits) {
        return new DkimVerifier(new FakeDnsResolver().otherwise(org.securemail.common.dns.DnsStatus.NXDOMAIN), limits,
                CLOCK).verify(Fixtures.latin1(message)).await().atMost(Duration.ofSeconds(10));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
