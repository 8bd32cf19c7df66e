package org.securemail.ingest.inspect.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DmarcRecordParserTest {

    private static DmarcRecord valid(String txt) {
        DmarcRecordParser.Parsed parsed = DmarcRecordParser.parse(txt);
        assertThat(parsed).isInstanceOf(DmarcRecordParser.Parsed.Valid.class);
        return ((DmarcRecordParser.Parsed.Valid) parsed).record();
    }

    private static DmarcRecordParser.Parsed.Valid validWithNotes(String txt) {
        DmarcRecordParser.Parsed parsed = DmarcRecordParser.parse(txt);
        assertThat(parsed).isInstanceOf(DmarcRecordParser.Parsed.Valid.class);
        return (DmarcRecordParser.Parsed.Valid) parsed;
    }

    @Test
    void minimalRecordGetsEveryDefaultOfSection63() {
        DmarcRecord record = valid("v=DMARC1; p=none");

        assertThat(record.policy()).isEqualTo(Disposition.NONE);
        assertThat(record.subdomainPolicy()).isNull();
        assertThat(record.effectiveSubdomainPolicy()).isEqualTo(Disposition.NONE);
        assertThat(record.percent()).isEqualTo(100);
        assertThat(record.dkimAlignment()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(record.spfAlignment()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(record.failureOptions()).containsExactly(FailureOption.ALL_FAIL);
        assertThat(record.reportFormats()).containsExactly("afrf");
        assertThat(record.reportInterval()).isEqualTo(86_400);
        assertThat(record.aggregateReportUris()).isEmpty();
        assertThat(record.policyFallback()).isFalse();
    }

    @Test
    void appendixB24RecordWithTwoRuaUrisAndASizeLimit() {
        DmarcRecord record = valid("v=DMARC1; p=quarantine; "
                + "rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; pct=25");

        assertThat(record.policy()).isEqualTo(Disposition.QUARANTINE);
        assertThat(record.percent()).isEqualTo(25);
        assertThat(record.aggregateReportUris()).containsExactly(
                new ReportUri(URI.create("mailto:dmarc-feedback@example.com"), 0),
                new ReportUri(URI.create("mailto:tld-test@thirdparty.example.net"), 10L << 20));
    }

    @Test
    void everyTagIsRead() {
        DmarcRecord record = valid("v=DMARC1;p=reject;sp=quarantine;pct=50;adkim=s;aspf=s;"
                + "rua=mailto:a@example.com;ruf=mailto:f@example.com!2k;fo=1:d:s;rf=afrf;ri=3600");

        assertThat(record.policy()).isEqualTo(Disposition.REJECT);
        assertThat(record.subdomainPolicy()).isEqualTo(Disposition.QUARANTINE);
        assertThat(record.percent()).isEqualTo(50);
        assertThat(record.dkimAlignment()).isEqualTo(AlignmentMode.STRICT);
        assertThat(record.spfAlignment()).isEqualTo(AlignmentMode.STRICT);
        assertThat(record.failureReportUris()).containsExactly(new ReportUri(URI.create("mailto:f@example.com"), 2048));
        assertThat(record.failureOptions())
                .isEqualTo(Set.of(FailureOption.ANY_FAIL, FailureOption.DKIM, FailureOption.SPF));
        assertThat(record.reportInterval()).isEqualTo(3600);
    }

    @Test
    void tagNamesAndPolicyValuesAreCaseInsensitiveAndWhitespaceAroundSeparatorsIsAllowed() {
        DmarcRecord record = valid("V = DMARC1 ;\tP = Reject ; SP=NONE ; ADKIM=S ;");

        assertThat(record.policy()).isEqualTo(Disposition.REJECT);
        assertThat(record.subdomainPolicy()).isEqualTo(Disposition.NONE);
        assertThat(record.dkimAlignment()).isEqualTo(AlignmentMode.STRICT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=dmarc1; p=reject", "p=reject; v=DMARC1", "v=DMARC2; p=reject", "v=DMARC10; p=reject",
            "v=spf1 -all", "", " ", "DMARC1; p=reject"})
    void recordNotStartingWithVDmarc1IsNotADmarcRecord(String txt) {
        assertThat(DmarcRecordParser.parse(txt)).isInstanceOf(DmarcRecordParser.Parsed.NotDmarc.class);
        assertThat(DmarcRecordParser.isDmarc(txt)).isFalse();
    }

    @Test
    void unknownTagsAreIgnored() {
        DmarcRecordParser.Parsed.Valid parsed = validWithNotes("v=DMARC1; p=reject; np=none; future_tag=x; t=y");

        assertThat(parsed.record().policy()).isEqualTo(Disposition.REJECT);
        assertThat(parsed.notes()).anyMatch(n -> n.contains("unknown tag \"np\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=DMARC1", "v=DMARC1; p=always", "v=DMARC1; p=", "v=DMARC1; p=reject; sp=sometimes"})
    void missingOrInvalidPolicyWithoutRuaIsInvalid(String txt) {
        assertThat(DmarcRecordParser.parse(txt)).isInstanceOf(DmarcRecordParser.Parsed.Invalid.class);
    }

    @Test
    void invalidPolicyWithAValidRuaActsAsPNone() {
        DmarcRecord record = valid("v=DMARC1; p=bogus; rua=mailto:reports@example.com");

        assertThat(record.policy()).isEqualTo(Disposition.NONE);
        assertThat(record.effectiveSubdomainPolicy()).isEqualTo(Disposition.NONE);
        assertThat(record.policyFallback()).isTrue();
        assertThat(record.aggregateReportUris()).hasSize(1);
    }

    @Test
    void missingPolicyWithOnlyInvalidRuaUrisIsInvalid() {
        assertThat(DmarcRecordParser.parse("v=DMARC1; rua=not a uri,relative/path"))
                .isInstanceOf(DmarcRecordParser.Parsed.Invalid.class);
    }

    @Test
    void invalidOptionalValuesFallBackToTheirDefaults() {
        DmarcRecordParser.Parsed.Valid parsed = validWithNotes(
                "v=DMARC1; p=reject; pct=101; adkim=x; aspf=; fo=2; rf=a b; ri=-5");
        DmarcRecord record = parsed.record();

        assertThat(record.percent()).isEqualTo(100);
        assertThat(record.dkimAlignment()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(record.spfAlignment()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(record.failureOptions()).containsExactly(FailureOption.ALL_FAIL);
        assertThat(record.reportFormats()).containsExactly("afrf");
        assertThat(record.reportInterval()).isEqualTo(86_400);
        assertThat(parsed.notes()).hasSize(6);
    }

    @Test
    void pctZeroAndHundredAreTheBounds() {
        assertThat(valid("v=DMARC1; p=reject; pct=0").percent()).isZero();
        assertThat(valid("v=DMARC1; p=reject; pct=100").percent()).isEqualTo(100);
        assertThat(valid("v=DMARC1; p=reject; pct=1000").percent()).isEqualTo(100);
    }

    @Test
    void aRepeatedTagKeepsTheFirstValue() {
        assertThat(valid("v=DMARC1; p=none; p=reject").policy()).isEqualTo(Disposition.NONE);
    }

    @Test
    void invalidRuaUrisAreDroppedAndValidOnesKept() {
        DmarcRecord record = valid("v=DMARC1; p=none; rua=mailto:a@example.com, :nope, mailto:b@example.com!x");

        assertThat(record.aggregateReportUris()).extracting(ReportUri::uri)
                .containsExactly(URI.create("mailto:a@example.com"));
    }

    @Test
    void policyAfterOtherTagsIsAcceptedAndNoted() {
        DmarcRecordParser.Parsed.Valid parsed = validWithNotes("v=DMARC1; rua=mailto:a@example.com; p=reject");

        assertThat(parsed.record().policy()).isEqualTo(Disposition.REJECT);
        assertThat(parsed.notes()).anyMatch(n -> n.contains("not the tag right after v"));
    }

    @Test
    void garbageFragmentsAreIgnored() {
        DmarcRecordParser.Parsed.Valid parsed = validWithNotes("v=DMARC1; p=quarantine; ;;; garbage; 9x=1; =; \u0000=\u0001");

        assertThat(parsed.record().policy()).isEqualTo(Disposition.QUARANTINE);
        assertThat(parsed.notes()).isNotEmpty().allSatisfy(n -> assertThat(n).doesNotContain("\u0000"));
    }

    @Test
    void giantRecordIsInvalidNotAnException() {
        String giant = "v=DMARC1; p=reject; rua=mailto:" + "a".repeat(70_000) + "@example.com";

        assertThat(DmarcRecordParser.parse(giant)).isInstanceOf(DmarcRecordParser.Parsed.Invalid.class);
    }

    @Test
    void thousandsOfTagsAreInvalid() {
        String many = "v=DMARC1; p=reject;" + "x=1;".repeat(2000);

        assertThat(many.length()).isLessThan(DmarcRecordParser.MAX_LENGTH);
        assertThat(DmarcRecordParser.parse(many)).isInstanceOf(DmarcRecordParser.Parsed.Invalid.class);
    }

    @Test
    void ruaListIsBounded() {
        String rua = String.join(",", java.util.Collections.nCopies(200, "mailto:r@example.com"));

        assertThat(valid("v=DMARC1; p=none; rua=" + rua).aggregateReportUris())
                .hasSize(DmarcRecordParser.MAX_URIS);
    }

    @Test
    void hugeSizeLimitSaturatesInsteadOfOverflowing() {
        assertThat(valid("v=DMARC1; p=none; rua=mailto:a@example.com!999999999999999t")
                .aggregateReportUris().get(0).maxBytes()).isEqualTo(Long.MAX_VALUE);
    }
}
