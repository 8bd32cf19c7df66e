package org.securemail.common.mail;

import java.time.Instant;
import java.util.List;

/**
 * What the inspection stage found and did, in the Kafka header {@link MailHeaders#INSPECTION} of the records it
 * writes to {@code mail.ready} and {@code mail.quarantine} for inbound mail (tracking shows it in the timeline).
 *
 * @param at         when the stage decided
 * @param action     DELIVER, QUARANTINE or REJECT (rejected after the 250: held in quarantine)
 * @param checks     one line per check run, in the order of the Authentication-Results field
 * @param reasons    what decided a QUARANTINE or REJECT
 * @param failedOpen the checks that had no final result after the longest wait (fail open); empty normally
 * @param passes     passes over the checks (more than 1 when the message was parked for DNS)
 */
public record InspectionSummary(Instant at, String action, List<Check> checks, List<String> reasons,
        List<String> failedOpen, int passes) {

    public InspectionSummary {
        checks = checks == null ? List.of() : List.copyOf(checks);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        failedOpen = failedOpen == null ? List.of() : List.copyOf(failedOpen);
    }

    /**
     * One check's result.
     *
     * @param check  {@code spf}, {@code dkim}, {@code dmarc}, {@code iprev}, {@code dnsbl}, {@code content}
     * @param result the RFC 8601 result name ({@code pass}, {@code fail}, {@code temperror}...) or, for dnsbl and
     *               content, {@code listed}/{@code not_listed} and the scanner's action
     * @param detail what it was about ({@code smtp.mailfrom=alice@example.org}, {@code header.d=example.org})
     */
    public record Check(String check, String result, String detail) {
    }
}
