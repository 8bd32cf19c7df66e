package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The complete example of RFC 8463 Appendix A: one ed25519-sha256 and one rsa-sha256 signature, keys of §A.2. */
class Rfc8463ExampleTest {

    private final String message = Fixtures.text("rfc8463-a3.eml");

    @Test
    void bothSignaturesOfTheExamplePass() {
        List<DkimSignatureResult> results = verify(message);

        assertThat(results).extracting(DkimSignatureResult::result)
                .containsExactly(DkimResult.PASS, DkimResult.PASS);
        DkimSignatureResult ed = results.get(0);
        assertThat(ed.algorithm()).isEqualTo("ed25519-sha256");
        assertThat(ed.domain()).isEqualTo("football.example.com");
        assertThat(ed.selector()).isEqualTo("brisbane");
        assertThat(ed.identity()).isEqualTo("@football.example.com");
        assertThat(ed.headerB()).isEqualTo("/gCrinpc");
        assertThat(results.get(1).algorithm()).isEqualTo("rsa-sha256");
        assertThat(results.get(1).selector()).isEqualTo("test");
        assertThat(results.get(1).headerB()).isEqualTo("F45dVWDf");
    }

    @Test
    void changedSubjectFailsBothSignatures() {
        List<DkimSignatureResult> results = verify(message.replace("Is dinner ready?", "Is dinner ready!"));

        assertThat(results).extracting(DkimSignatureResult::result).containsExactly(DkimResult.FAIL, DkimResult.FAIL);
        assertThat(results).allSatisfy(r -> assertThat(r.reason()).isEqualTo("signature did not verify"));
    }

    @Test
    void changedBodyByteFailsTheBodyHash() {
        List<DkimSignatureResult> results = verify(message.replace("hungry", "hungrY"));

        assertThat(results).extracting(DkimSignatureResult::result).containsExactly(DkimResult.FAIL, DkimResult.FAIL);
        assertThat(results).allSatisfy(r -> assertThat(r.reason()).isEqualTo("body hash did not verify"));
    }

    @Test
    void refoldedHeadersAndRespacedBodyStillPassUnderRelaxed() {
        String refolded = message
                .replace("Subject: Is dinner ready?", "subject:   Is\r\n\t dinner    ready?  ")
                .replace("To: Suzie Q <suzie@shopping.example.net>", "TO : Suzie Q\r\n <suzie@shopping.example.net>")
                .replace("We lost the game.  Are you", "We lost\tthe game. Are you   ")
                .replace("Joe.\r\n", "Joe.\r\n\r\n\r\n");

        assertThat(verify(refolded)).extracting(DkimSignatureResult::result)
                .containsExactly(DkimResult.PASS, DkimResult.PASS);
    }

    @Test
    void oversignedFromRefusesASecondFromAddedAbove() {
        String withSecondFrom = "From: Mallory <mallory@example.com>\r\n" + message;

        assertThat(verify(withSecondFrom)).extracting(DkimSignatureResult::result)
                .containsExactly(DkimResult.FAIL, DkimResult.FAIL);
    }

    private static List<DkimSignatureResult> verify(String message) {
        DkimVerifier verifier = new DkimVerifier(Fixtures.rfc8463Keys(), DkimLimits.defaults(),
                Fixtures.clockAfterSigning(Fixtures.latin1(message)));
        return verifier.verify(Fixtures.latin1(message)).await().atMost(Duration.ofSeconds(10));
    }
}
