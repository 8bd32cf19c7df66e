package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Messages signed by opendkim and dkimpy (make-fixtures.sh), verified against the TXT values they published. */
class RealSignersTest {

    @ParameterizedTest
    @ValueSource(strings = {"dkimpy-rsa2048-relaxed.eml", "dkimpy-rsa2048-simple.eml",
            "dkimpy-rsa1024-relaxed-simple.eml", "dkimpy-rsa2048-length.eml", "dkimpy-ed25519.eml",
            "dkimpy-edge-relaxed.eml", "dkimpy-edge-simple.eml", "dkimpy-empty-relaxed.eml", "dkimpy-empty-simple.eml"})
    void signatureFromDkimpyPasses(String fixture) {
        List<DkimSignatureResult> results = verify(Fixtures.text("real/" + fixture));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.result()).as(r.reason()).isEqualTo(DkimResult.PASS);
            assertThat(r.domain()).isEqualTo("example.org");
        });
    }

    @Test
    void bothSignaturesOfADoublySignedMessagePass() {
        List<DkimSignatureResult> results = verify(Fixtures.text("real/dkimpy-two-signatures.eml"));

        assertThat(results).extracting(DkimSignatureResult::algorithm)
                .containsExactly("ed25519-sha256", "rsa-sha256");
        assertThat(results).extracting(DkimSignatureResult::result).containsOnly(DkimResult.PASS);
    }

    @Test
    void identityOfTheSignatureIsReported() {
        DkimSignatureResult result = verify(Fixtures.text("real/dkimpy-rsa1024-relaxed-simple.eml")).get(0);

        assertThat(result.identity()).isEqualTo("alice@news.example.org");
        assertThat(result.selector()).isEqualTo("rsa1024");
    }

    @Test
    void opendkimRsaSha1SignatureIsRefused() {
        DkimSignatureResult result = verify(Fixtures.text("real/opendkim-rsa-sha1.eml")).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.algorithm()).isEqualTo("rsa-sha1");
        assertThat(result.reason()).contains("RFC 8301");
    }

    @Test
    void signatureWithA512BitKeyIsPermerror() {
        DkimSignatureResult result = verify(Fixtures.text("real/dkimpy-weak512.eml")).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.reason()).contains("512 bits");
    }

    @Test
    void textAppendedPastTheSignedLengthStillPasses() {
        String message = Fixtures.text("real/dkimpy-rsa2048-length.eml") + "Unsigned footer\r\n";

        DkimSignatureResult result = verify(message).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.PASS);
        assertThat(result.reason()).contains("unsigned");
    }

    @Test
    void bodyShorterThanTheSignedLengthFails() {
        String message = Fixtures.text("real/dkimpy-rsa2048-length.eml").replace("Regards,\r\nAlice\r\n", "");

        DkimSignatureResult result = verify(message).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.FAIL);
        assertThat(result.reason()).contains("shorter than l=");
    }

    @Test
    void changedHeaderFailsTheSignature() {
        String message = Fixtures.text("real/dkimpy-rsa2048-relaxed.eml").replace("Bob Example", "Bob Exampl3");

        assertThat(verify(message).get(0).result()).isEqualTo(DkimResult.FAIL);
    }

    @Test
    void changedBodyByteFailsUnderSimple() {
        String message = Fixtures.text("real/dkimpy-rsa2048-simple.eml").replace("Hello Bob", "Hello Rob");

        DkimSignatureResult result = verify(message).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.FAIL);
        assertThat(result.reason()).isEqualTo("body hash did not verify");
    }

    @Test
    void whitespaceChangesFailSimpleButPassRelaxed() {
        String simple = Fixtures.text("real/dkimpy-rsa2048-simple.eml").replace("are in.", "are  in.");
        String relaxed = Fixtures.text("real/dkimpy-rsa2048-relaxed.eml").replace("are in.", "are  in.")
                .replace("Subject: Quarterly   report,\r\n  folded", "Subject: Quarterly report,\r\n\tfolded");

        assertThat(verify(simple).get(0).result()).isEqualTo(DkimResult.FAIL);
        assertThat(verify(relaxed).get(0).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void unsignedHeaderAddedOnTopStillPasses() {
        String message = "Received: from relay.example.net by mx.example.com\r\n"
                + Fixtures.text("real/dkimpy-ed25519.eml");

        assertThat(verify(message).get(0).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void signedMessageWithBareLineFeedsStillPasses() {
        String message = Fixtures.text("real/dkimpy-rsa2048-relaxed.eml").replace("\r\n", "\n");

        assertThat(verify(message).get(0).result()).isEqualTo(DkimResult.PASS);
    }

    private static List<DkimSignatureResult> verify(String message) {
        byte[] raw = Fixtures.latin1(message);
        DkimVerifier verifier = new DkimVerifier(Fixtures.realKeys(), DkimLimits.defaults(),
                Fixtures.clockAfterSigning(raw));
        return verifier.verify(raw).await().atMost(Duration.ofSeconds(10));
    }
}
