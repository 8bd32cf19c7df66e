package org.securemail.provisioning.domain.verification;

import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;

/**
 * Reads a TXT answer for a verification token. Only a fresh answer verifies: a stale one (RFC 8767) means the
 * zone did not answer now, which is a temporary failure like a timeout, never "not verified".
 */
public final class TxtCheck {

    /** The label under the domain where the tenant publishes the token. */
    public static final String LABEL = "_securemail-verification";
    /** The TXT value the tenant publishes: {@code securemail-verification=<token>}. */
    public static final String VALUE_PREFIX = "securemail-verification=";

    private TxtCheck() {
    }

    public static String recordName(String domain) {
        return LABEL + "." + domain;
    }

    public static String recordValue(String token) {
        return VALUE_PREFIX + token;
    }

    public static CheckResult evaluate(DnsAnswer answer, String token) {
        String expected = recordValue(token);
        DnsStatus status = answer.status();
        if (status == DnsStatus.ANSWER) {
            for (DnsRecordData record : answer.records()) {
                if (expected.equals(record.data().strip())) {
                    return new CheckResult(CheckOutcome.FOUND, "TXT " + answer.name() + " holds the token");
                }
            }
            return new CheckResult(CheckOutcome.MISMATCH,
                    "TXT records at " + answer.name() + " do not hold this claim's token");
        }
        if (status == DnsStatus.NXDOMAIN || status == DnsStatus.NODATA) {
            return new CheckResult(CheckOutcome.MISSING, "no TXT record at " + answer.name());
        }
        String why = status == DnsStatus.STALE ? "only a stale answer (the zone did not answer now)"
                : status.name().toLowerCase(java.util.Locale.ROOT) + (answer.detail() == null ? "" : ": " + answer.detail());
        return new CheckResult(CheckOutcome.TEMPORARY_FAILURE, "DNS lookup of " + answer.name() + " failed for now, "
                + why + "; checked again later");
    }

    /** The outcome of one check and its explanation (bounded for the database column). */
    public record CheckResult(CheckOutcome outcome, String detail) {

        public CheckResult {
            detail = detail == null ? "" : detail.length() > 300 ? detail.substring(0, 300) : detail;
        }
    }
}
