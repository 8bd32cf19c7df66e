package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.ingest.inspect.content.ScanProblem;
import org.securemail.ingest.inspect.content.ScanVerdict;
import org.securemail.ingest.inspect.dkim.DkimResult;
import org.securemail.ingest.inspect.dmarc.Disposition;
import org.securemail.ingest.inspect.dmarc.DmarcOutcome;
import org.securemail.ingest.inspect.dmarc.DmarcResult;
import org.securemail.ingest.inspect.dnsbl.DnsblOutcome;
import org.securemail.ingest.inspect.dnsbl.DnsblResult;
import org.securemail.ingest.inspect.dnsbl.ZoneOutcome;
import org.securemail.ingest.inspect.spf.SpfResult;

class PolicyDecisionTest {

    private static InspectionReport withDmarc(DmarcResult result, Disposition disposition) {
        InspectionReport base = AuthenticationResultsTest.report(SpfResult.FAIL, DkimResult.FAIL, result);
        return new InspectionReport(base.spf(), base.dkim(), new DmarcOutcome(result, "sender.example",
                "sender.example", null, disposition, disposition, false, null, List.of()), base.iprev(), null, null);
    }

    @Test
    void spfFailActsOnlyUnderQuarantineOrReject() {
        InspectionReport fail = AuthenticationResultsTest.report(SpfResult.FAIL, DkimResult.PASS, DmarcResult.PASS);
        assertThat(PolicyDecision.decide(new DomainPolicy("tag", "off", List.of()), fail).action())
                .isEqualTo(Verdict.Action.DELIVER);
        assertThat(PolicyDecision.decide(new DomainPolicy("quarantine", "off", List.of()), fail).action())
                .isEqualTo(Verdict.Action.QUARANTINE);
        Verdict reject = PolicyDecision.decide(new DomainPolicy("reject", "off", List.of()), fail);
        assertThat(reject.action()).isEqualTo(Verdict.Action.REJECT);
        assertThat(reject.reasons()).containsExactly("spf=fail (policy reject)");
    }

    @Test
    void softfailTemperrorAndPermerrorNeverAct() {
        for (SpfResult result : List.of(SpfResult.SOFTFAIL, SpfResult.TEMPERROR, SpfResult.PERMERROR,
                SpfResult.NEUTRAL, SpfResult.NONE)) {
            InspectionReport report = AuthenticationResultsTest.report(result, DkimResult.TEMPERROR,
                    DmarcResult.TEMPERROR);
            assertThat(PolicyDecision.decide(new DomainPolicy("reject", "reject", List.of()), report).action())
                    .as(result.name()).isEqualTo(Verdict.Action.DELIVER);
        }
    }

    @Test
    void dmarcFailTakesTheAuthorDomainsDispositionCappedByTheMode() {
        DomainPolicy reject = new DomainPolicy("off", "reject", List.of());
        DomainPolicy quarantine = new DomainPolicy("off", "quarantine", List.of());
        DomainPolicy tag = new DomainPolicy("off", "tag", List.of());
        assertThat(PolicyDecision.decide(reject, withDmarc(DmarcResult.FAIL, Disposition.REJECT)).action())
                .isEqualTo(Verdict.Action.REJECT);
        assertThat(PolicyDecision.decide(quarantine, withDmarc(DmarcResult.FAIL, Disposition.REJECT)).action())
                .isEqualTo(Verdict.Action.QUARANTINE);
        assertThat(PolicyDecision.decide(reject, withDmarc(DmarcResult.FAIL, Disposition.QUARANTINE)).action())
                .isEqualTo(Verdict.Action.QUARANTINE);
        assertThat(PolicyDecision.decide(reject, withDmarc(DmarcResult.FAIL, Disposition.NONE)).action())
                .isEqualTo(Verdict.Action.DELIVER);
        assertThat(PolicyDecision.decide(tag, withDmarc(DmarcResult.FAIL, Disposition.REJECT)).action())
                .isEqualTo(Verdict.Action.DELIVER);
        assertThat(PolicyDecision.decide(reject, withDmarc(DmarcResult.TEMPERROR, Disposition.NONE)).action())
                .isEqualTo(Verdict.Action.DELIVER);
    }

    @Test
    void aListingOnTheDomainsOwnBlocklistRejectsAndAnotherDomainsListDoesNot() {
        InspectionReport base = AuthenticationResultsTest.report(SpfResult.PASS, DkimResult.PASS, DmarcResult.PASS);
        DnsblOutcome listed = new DnsblOutcome("192.0.2.1", List.of(
                new ZoneOutcome("bl.example", "1.2.0.192.bl.example", DnsblResult.LISTED, List.of(), "", "")),
                List.of());
        InspectionReport report = new InspectionReport(base.spf(), base.dkim(), base.dmarc(), base.iprev(), listed,
                null);
        assertThat(PolicyDecision.decide(new DomainPolicy("tag", "tag", List.of("bl.example")), report).action())
                .isEqualTo(Verdict.Action.REJECT);
        assertThat(PolicyDecision.decide(new DomainPolicy("tag", "tag", List.of("other.example")), report).action())
                .isEqualTo(Verdict.Action.DELIVER);
    }

    @Test
    void theScannersRejectRejectsAndAFailedScanDoesNot() {
        InspectionReport base = AuthenticationResultsTest.report(SpfResult.PASS, DkimResult.PASS, DmarcResult.PASS);
        ScanVerdict gtube = new ScanVerdict(ScanVerdict.Action.REJECT, 1000, 15, List.of(), "Gtube pattern",
                ScanProblem.NONE);
        assertThat(PolicyDecision.decide(null, new InspectionReport(base.spf(), base.dkim(), base.dmarc(),
                base.iprev(), null, gtube)).action()).isEqualTo(Verdict.Action.REJECT);
        assertThat(PolicyDecision.decide(null, new InspectionReport(base.spf(), base.dkim(), base.dmarc(),
                base.iprev(), null, ScanVerdict.failed(ScanProblem.TIMEOUT, "slow"))).action())
                .isEqualTo(Verdict.Action.DELIVER);
    }

    @Test
    void theStrictestActionWins() {
        assertThat(PolicyDecision.stricter(Verdict.Action.QUARANTINE, Verdict.Action.REJECT))
                .isEqualTo(Verdict.Action.REJECT);
        assertThat(PolicyDecision.stricter(Verdict.Action.REJECT, Verdict.Action.DELIVER))
                .isEqualTo(Verdict.Action.REJECT);
        assertThat(PolicyDecision.stricter(Verdict.Action.DELIVER, Verdict.Action.QUARANTINE))
                .isEqualTo(Verdict.Action.QUARANTINE);
    }
}
