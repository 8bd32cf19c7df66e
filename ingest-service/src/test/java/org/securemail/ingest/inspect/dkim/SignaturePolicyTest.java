package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;
import org.junit.jupiter.api.Test;

/** Time, identity, key flags and header selection (RFC 6376 §3.5, §3.6.1, §5.4.2, §6.1) on messages signed here. */
class SignaturePolicyTest {

    private static final long NOW = 1_800_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final String MESSAGE = Fixtures.crlf("""
            From: Alice <alice@example.org>
            To: Bob <bob@example.net>
            Subject: Lunch

            See you at noon.
            """);
    private static final String BASE = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=rsa2048";

    @Test
    void expiredSignatureIsPermerror() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; t=" + (NOW - 100) + "; x=" + (NOW - 10)
                + "; h=from:to:subject");

        DkimSignatureResult result = verify(signed, Fixtures.realKeys());

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.reason()).contains("expired");
    }

    @Test
    void signatureBeforeItsExpiryPasses() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; t=" + (NOW - 100) + "; x=" + (NOW + 10)
                + "; h=from:to:subject");

        assertThat(verify(signed, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void timestampBeyondTheClockSkewIsPermerrorAndWithinItPasses() {
        long skew = DkimLimits.defaults().clockSkew().toSeconds();
        String future = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; t=" + (NOW + skew + 60) + "; h=from");
        String slightlyAhead = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; t=" + (NOW + 30) + "; h=from");

        assertThat(verify(future, Fixtures.realKeys()).reason()).contains("future");
        assertThat(verify(future, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(verify(slightlyAhead, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void strictKeyRefusesAnIdentityInASubdomain() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; i=alice@mail.example.org; h=from");
        FakeDnsResolver dns = new FakeDnsResolver().answer("rsa2048._domainkey.example.org", DnsType.TXT,
                Fixtures.keyRecord("rsa2048").replace("v=DKIM1;", "v=DKIM1; t=s;"));

        DkimSignatureResult result = verify(signed, dns);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.reason()).contains("t=s");
        assertThat(verify(signed, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void testingKeyIsReportedWithTheResult() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from");
        FakeDnsResolver dns = new FakeDnsResolver().answer("rsa2048._domainkey.example.org", DnsType.TXT,
                Fixtures.keyRecord("rsa2048").replace("v=DKIM1;", "v=DKIM1; t=y;"));

        DkimSignatureResult result = verify(signed, dns);

        assertThat(result.result()).isEqualTo(DkimResult.PASS);
        assertThat(result.testing()).isTrue();
    }

    @Test
    void revokedKeyIsPermerror() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from");
        FakeDnsResolver dns = new FakeDnsResolver().answer("rsa2048._domainkey.example.org", DnsType.TXT,
                "v=DKIM1; k=rsa; p=");

        assertThat(verify(signed, dns).reason()).contains("revoked");
    }

    @Test
    void headersAreSelectedFromTheBottomUp() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from:subject");
        String extraAbove = "Subject: Earlier\r\n" + signed;
        String extraBelow = signed.replace("Subject: Lunch\r\n", "Subject: Lunch\r\nSubject: Dinner\r\n");

        assertThat(verify(extraAbove, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PASS);
        assertThat(verify(extraBelow, Fixtures.realKeys()).result()).isEqualTo(DkimResult.FAIL);
    }

    @Test
    void nameListedTwiceTakesTheNextInstanceUp() {
        String twoReceived = "Comments: first\r\nComments: second\r\n" + MESSAGE;
        String signed = TestSigner.sign(twoReceived, "rsa2048", BASE + "; h=from:comments:comments");
        String swapped = signed.replace("Comments: first\r\nComments: second",
                "Comments: second\r\nComments: first");

        assertThat(verify(signed, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PASS);
        assertThat(verify(swapped, Fixtures.realKeys()).result()).isEqualTo(DkimResult.FAIL);
    }

    @Test
    void oversignedAbsentHeaderPassesUntilSomeoneAddsIt() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from:subject:reply-to");
        String added = signed.replace("Subject: Lunch\r\n", "Subject: Lunch\r\nReply-To: mallory@example.com\r\n");

        assertThat(verify(signed, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PASS);
        assertThat(verify(added, Fixtures.realKeys()).result()).isEqualTo(DkimResult.FAIL);
    }

    @Test
    void headerNamesInHAreCaseInsensitive() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=FROM:Subject:tO");

        assertThat(verify(signed, Fixtures.realKeys()).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void ed25519KeyAgainstAnRsaSignatureIsPermerror() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from");
        FakeDnsResolver dns = new FakeDnsResolver().answer("rsa2048._domainkey.example.org", DnsType.TXT,
                Fixtures.keyRecord("ed25519"));

        DkimSignatureResult result = verify(signed, dns);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.reason()).contains("does not match");
    }

    @Test
    void firstUsableOfSeveralKeyRecordsIsUsed() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from");
        FakeDnsResolver dns = new FakeDnsResolver().answer("rsa2048._domainkey.example.org", DnsType.TXT,
                "v=spf1 -all", Fixtures.keyRecord("rsa1024"), Fixtures.keyRecord("rsa2048"));

        assertThat(verify(signed, dns).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void onlyUnusableKeyRecordsGiveTheFirstProblem() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from");
        FakeDnsResolver dns = new FakeDnsResolver().answer("rsa2048._domainkey.example.org", DnsType.TXT,
                "v=DKIM1; s=other; p=AAAA", "v=DKIM1; p=");

        DkimSignatureResult result = verify(signed, dns);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(result.reason()).contains("not for email");
    }

    @Test
    void wrongKeyFailsTheSignature() {
        String signed = TestSigner.sign(MESSAGE, "rsa2048", BASE + "; h=from");
        FakeDnsResolver dns = new FakeDnsResolver().answer("rsa2048._domainkey.example.org", DnsType.TXT,
                Fixtures.keyRecord("rsa1024"));

        DkimSignatureResult result = verify(signed, dns);

        assertThat(result.result()).isEqualTo(DkimResult.FAIL);
        assertThat(result.reason()).isEqualTo("signature did not verify");
    }

    private static DkimSignatureResult verify(String message, FakeDnsResolver dns) {
        List<DkimSignatureResult> results = new DkimVerifier(dns, DkimLimits.defaults(), CLOCK)
                .verify(Fixtures.latin1(message)).await().atMost(Duration.ofSeconds(10));
        assertThat(results).hasSize(1);
        return results.get(0);
    }
}
