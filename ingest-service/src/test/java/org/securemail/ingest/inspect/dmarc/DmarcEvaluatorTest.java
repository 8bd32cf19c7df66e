package org.securemail.ingest.inspect.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

class DmarcEvaluatorTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    private final AtomicInteger draw = new AtomicInteger(0);
    private final DmarcEvaluator evaluator = new DmarcEvaluator(dns, Duration.ofMillis(200), draw::get);

    private DmarcOutcome evaluate(DmarcInput input) {
        return evaluator.evaluate(input).await().atMost(WAIT);
    }

    private static DmarcInput spfOnly(String from, String spfDomain, AuthResult spf) {
        return new DmarcInput(from, SOURCE, spfDomain, SpfIdentifier.mailFrom(spfDomain, spf), List.of());
    }

    private static DmarcInput dkimOnly(String from, String d, AuthResult dkim) {
        return new DmarcInput(from, SOURCE, "bounce.other.example", null, List.of(new DkimIdentifier(d, "s1", dkim)));
    }

    @Test
    void appendixB11SpfMailFromSameAsFromAligns() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; aspf=s");

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "example.com", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(DmarcResult.PASS);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
        assertThat(outcome.alignment().spfAligned()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"r, PASS", "s, FAIL"})
    void appendixB11SpfChildDomainAlignsOnlyWhenRelaxed(String mode, DmarcResult expected) {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; aspf=" + mode);

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "child.example.com", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(expected);
        assertThat(outcome.alignment().spfMode()).isEqualTo(AlignmentMode.fromTag(mode));
    }

    @ParameterizedTest
    @CsvSource({"r, PASS", "s, FAIL"})
    void appendixB12DkimChildDomainAlignsOnlyWhenRelaxed(String mode, DmarcResult expected) {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; adkim=" + mode);

        DmarcOutcome outcome = evaluate(dkimOnly("example.com", "child.example.com", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(expected);
    }

    @Test
    void dkimPassForTheExactFromDomainAlignsStrictly() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; adkim=s");

        DmarcOutcome outcome = evaluate(dkimOnly("example.com", "example.com", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(DmarcResult.PASS);
        assertThat(outcome.alignment().alignedDkimDomains()).containsExactly("example.com");
    }

    @Test
    void relaxedAlignmentDoesNotCrossAMultiLabelPublicSuffix() {
        dns.answer("_dmarc.example.co.uk", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcOutcome sameOrg = evaluate(spfOnly("example.co.uk", "bounce.example.co.uk", AuthResult.PASS));
        DmarcOutcome otherOrg = evaluate(spfOnly("example.co.uk", "attacker.co.uk", AuthResult.PASS));

        assertThat(sameOrg.result()).isEqualTo(DmarcResult.PASS);
        assertThat(otherOrg.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(otherOrg.disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void alignedButFailingSpfIsAFail() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=quarantine");

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "example.com", AuthResult.SOFTFAIL));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.disposition()).isEqualTo(Disposition.QUARANTINE);
    }

    @Test
    void passingButUnalignedDkimIsAFail() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcOutcome outcome = evaluate(dkimOnly("example.com", "mailer.example.net", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.alignment().dkimAligned()).isFalse();
    }

    @Test
    void oneAlignedPassAmongSeveralSignaturesIsEnough() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");
        DmarcInput input = new DmarcInput("example.com", SOURCE, "list.example.org",
                SpfIdentifier.mailFrom("list.example.org", AuthResult.PASS),
                List.of(new DkimIdentifier("example.com", "a", AuthResult.FAIL),
                        new DkimIdentifier("example.org", "b", AuthResult.PASS),
                        new DkimIdentifier("news.example.com", "c", AuthResult.PASS)));

        DmarcOutcome outcome = evaluate(input);

        assertThat(outcome.result()).isEqualTo(DmarcResult.PASS);
        assertThat(outcome.alignment().alignedDkimDomains()).containsExactly("news.example.com");
        assertThat(outcome.alignment().spfAligned()).isFalse();
    }

    @Test
    void noAuthenticationAtAllFailsWithThePolicy() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcOutcome outcome = evaluate(new DmarcInput("example.com", SOURCE, null, null, List.of()));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.requestedPolicy()).isEqualTo(Disposition.REJECT);
        assertThat(outcome.explanation()).contains("SPF: not checked", "DKIM: no signatures");
    }

    @Test
    void subdomainPolicyAppliesToASubdomainWhenThePolicyCameFromTheOrganizationalDomain() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; sp=quarantine");

        DmarcOutcome sub = evaluate(spfOnly("news.example.com", "evil.example", AuthResult.PASS));
        DmarcOutcome org = evaluate(spfOnly("example.com", "evil.example", AuthResult.PASS));

        assertThat(sub.policyDomain()).isEqualTo("example.com");
        assertThat(sub.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(org.disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void withoutSpTheSubdomainGetsP() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        assertThat(evaluate(spfOnly("news.example.com", "evil.example", AuthResult.PASS)).disposition())
                .isEqualTo(Disposition.REJECT);
    }

    @Test
    void aSubdomainsOwnRecordUsesItsPNotTheOrganizationalSp() {
        dns.answer("_dmarc.news.example.com", DnsType.TXT, "v=DMARC1; p=none; sp=reject");
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; sp=reject");

        DmarcOutcome outcome = evaluate(spfOnly("news.example.com", "evil.example", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
        assertThat(outcome.policyDomain()).isEqualTo("news.example.com");
    }

    @Test
    void failingMessageInsideThePctSampleGetsThePolicy() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; pct=25");
        draw.set(24);

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "evil.example", AuthResult.PASS));

        assertThat(outcome.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(outcome.sampledOut()).isFalse();
    }

    @Test
    void failingMessageOutsideThePctSampleRejectIsAppliedAsQuarantine() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject; pct=25");
        draw.set(25);

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "evil.example", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.requestedPolicy()).isEqualTo(Disposition.REJECT);
        assertThat(outcome.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(outcome.sampledOut()).isTrue();
    }

    @Test
    void failingMessageOutsideThePctSampleQuarantineIsAppliedAsNone() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=quarantine; pct=0");
        draw.set(0);

        assertThat(evaluate(spfOnly("example.com", "evil.example", AuthResult.PASS)).disposition())
                .isEqualTo(Disposition.NONE);
    }

    @Test
    void pctHundredNeverSamplesOut() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");
        draw.set(99);

        assertThat(evaluate(spfOnly("example.com", "evil.example", AuthResult.PASS)).disposition())
                .isEqualTo(Disposition.REJECT);
    }

    @Test
    void requestedNoneIsNeverSampledBecauseNothingIsLower() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=none; pct=10");
        draw.set(50);

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "evil.example", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
        assertThat(outcome.sampledOut()).isFalse();
    }

    @Test
    void noPolicyIsNoneWithNoDisposition() {
        DmarcOutcome outcome = evaluate(spfOnly("example.com", "evil.example", AuthResult.FAIL));

        assertThat(outcome.result()).isEqualTo(DmarcResult.NONE);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
        assertThat(outcome.record()).isNull();
    }

    @Test
    void dnsFailureIsTemperrorAndNeverRejects() {
        dns.status("_dmarc.example.com", DnsType.TXT, DnsStatus.FAILED);

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "evil.example", AuthResult.FAIL));

        assertThat(outcome.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void alignedSpfTemperrorWithoutAnyAlignedPassIsTemperrorNotFail() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "example.com", AuthResult.TEMPERROR));

        assertThat(outcome.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void unalignedTemperrorDoesNotSaveAFailingMessage() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");

        DmarcOutcome outcome = evaluate(dkimOnly("example.com", "elsewhere.example", AuthResult.TEMPERROR));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void invalidRecordIsPermerrorWithNoDisposition() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=destroy");

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "evil.example", AuthResult.FAIL));

        assertThat(outcome.result()).isEqualTo(DmarcResult.PERMERROR);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void invalidPolicyWithRuaIsEvaluatedAsPNone() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=destroy; rua=mailto:r@example.com");

        DmarcOutcome outcome = evaluate(spfOnly("example.com", "evil.example", AuthResult.PASS));

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.disposition()).isEqualTo(Disposition.NONE);
        assertThat(outcome.record().policyFallback()).isTrue();
    }

    @Test
    void severalAuthorDomainsApplyTheStrictestFailure() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=none");
        dns.answer("_dmarc.example.org", DnsType.TXT, "v=DMARC1; p=reject");
        dns.answer("_dmarc.example.net", DnsType.TXT, "v=DMARC1; p=quarantine");
        DmarcInput input = spfOnly("ignored.example", "example.net", AuthResult.PASS);

        DmarcOutcome outcome = evaluator.evaluate(AuthorDomains.of("example.com", "example.org", "example.net"), input)
                .await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(outcome.authorDomain()).isEqualTo("example.org");
        assertThat(outcome.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(outcome.explanation()).contains("example.net: dmarc=pass, disposition none");
    }

    @Test
    void noAuthorDomainIsPermerror() {
        DmarcOutcome outcome = evaluator.evaluate(new AuthorDomains(List.of(), 0, List.of("no From field")),
                spfOnly("x.example", "x.example", AuthResult.PASS)).await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(DmarcResult.PERMERROR);
        assertThat(outcome.explanation()).startsWith("no From field");
        assertThat(dns.lookups()).isZero();
    }

    @Test
    void garbageIdentifierDomainsNeverAlign() {
        dns.answer("_dmarc.example.com", DnsType.TXT, "v=DMARC1; p=reject");
        DmarcInput input = new DmarcInput("example.com", SOURCE, null,
                SpfIdentifier.mailFrom("", AuthResult.PASS),
                List.of(new DkimIdentifier(null, null, AuthResult.PASS),
                        new DkimIdentifier("exa mple.com", "x", AuthResult.PASS),
                        new DkimIdentifier("[192.0.2.1]", "y", AuthResult.PASS)));

        assertThat(evaluate(input).result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void deadlineOfTheLookupBoundsTheEvaluation() {
        FakeDnsResolver silent = new FakeDnsResolver();
        DmarcEvaluator quick = new DmarcEvaluator(silent, Duration.ofMillis(50), () -> 0);

        DmarcOutcome outcome = quick.evaluate(spfOnly("example.com", "example.com", AuthResult.PASS))
                .await().atMost(WAIT);

        assertThat(outcome.result()).isEqualTo(DmarcResult.TEMPERROR);
    }
}
