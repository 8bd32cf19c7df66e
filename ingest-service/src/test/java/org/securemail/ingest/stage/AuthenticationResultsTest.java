package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.inspect.dkim.DkimResult;
import org.securemail.ingest.inspect.dkim.DkimSignatureResult;
import org.securemail.ingest.inspect.dmarc.Disposition;
import org.securemail.ingest.inspect.dmarc.DmarcOutcome;
import org.securemail.ingest.inspect.dmarc.DmarcResult;
import org.securemail.ingest.inspect.dnsbl.FcrdnsOutcome;
import org.securemail.ingest.inspect.dnsbl.FcrdnsResult;
import org.securemail.ingest.inspect.spf.SpfIdentity;
import org.securemail.ingest.inspect.spf.SpfOutcome;
import org.securemail.ingest.inspect.spf.SpfResult;

class AuthenticationResultsTest {

    static InspectionReport report(SpfResult spf, DkimResult dkim, DmarcResult dmarc) {
        return new InspectionReport(
                new SpfOutcome(spf, SpfIdentity.MAILFROM, "alice@sender.example", "sender.example", null, null,
                        List.of()),
                List.of(new DkimSignatureResult(dkim, "sender.example", "s1", "rsa-sha256", "@sender.example",
                        "AbCdEfGh", false, dkim == DkimResult.PASS ? "" : "body hash did not verify")),
                new DmarcOutcome(dmarc, "sender.example", "sender.example", null, null, Disposition.NONE, false,
                        null, List.of()),
                new FcrdnsOutcome(FcrdnsResult.PASS, "192.0.2.1", List.of("mail.sender.example"),
                        List.of("mail.sender.example"), List.of()),
                null, null);
    }

    @Test
    void oneFieldWithTheAuthservIdAndOneFoldedLinePerMethod() {
        String field = AuthenticationResults.field("mx.securemail.test",
                report(SpfResult.PASS, DkimResult.PASS, DmarcResult.PASS));
        assertThat(field).isEqualTo("Authentication-Results: mx.securemail.test;\r\n"
                + "\tspf=pass smtp.mailfrom=alice@sender.example;\r\n"
                + "\tdkim=pass header.d=sender.example header.s=s1 header.b=AbCdEfGh;\r\n"
                + "\tdmarc=pass header.from=sender.example;\r\n"
                + "\tiprev=pass policy.iprev=192.0.2.1\r\n");
        assertThat(ForgedResults.authservId(field.substring(field.indexOf(':') + 1)))
                .isEqualTo("mx.securemail.test");
    }

    @Test
    void aFailingSignatureCarriesItsReasonQuoted() {
        String field = AuthenticationResults.field("mx.securemail.test",
                report(SpfResult.FAIL, DkimResult.FAIL, DmarcResult.FAIL));
        assertThat(field).contains("spf=fail smtp.mailfrom=alice@sender.example;")
                .contains("dkim=fail reason=\"body hash did not verify\" header.d=sender.example")
                .contains("dmarc=fail header.from=sender.example;");
    }

    @Test
    void nothingRunIsNone() {
        assertThat(AuthenticationResults.field("mx.securemail.test",
                new InspectionReport(null, List.of(), null, null, null, null)))
                .isEqualTo("Authentication-Results: mx.securemail.test; none\r\n");
    }

    @Test
    void hostileValuesCannotEndTheFieldOrAddOne() {
        String evil = "x.example\r\nAuthentication-Results: mx.securemail.test; dkim=pass";
        InspectionReport report = new InspectionReport(
                new SpfOutcome(SpfResult.NONE, SpfIdentity.HELO, "postmaster@" + evil, evil, null, null, List.of()),
                List.of(new DkimSignatureResult(DkimResult.PERMERROR, evil, "s\"el\\", "", "", "", false,
                        "bad\r\nX-Injected: 1")),
                null, null, null, null);
        String field = AuthenticationResults.field("mx.securemail.test", report);
        // only the folding we wrote: CRLF followed by a tab, and the final CRLF
        assertThat(field.replace("\r\n\t", "").indexOf('\r')).isEqualTo(field.replace("\r\n\t", "").length() - 2);
        assertThat(field).doesNotContain("\nAuthentication-Results").doesNotContain("\nX-Injected");
        assertThat(field).contains("smtp.helo=\"x.exampleAuthentication-Results: mx.securemail.test; dkim=pass\"")
                .contains("header.s=\"s\\\"el\\\\\"");
    }

    @Test
    void anOverlongValueIsCut() {
        String quoted = AuthenticationResults.quoted("a".repeat(10_000));
        assertThat(quoted).hasSize(255 + 2);
    }
}
