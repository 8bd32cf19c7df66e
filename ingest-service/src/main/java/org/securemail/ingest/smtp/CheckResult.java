package org.securemail.ingest.smtp;

import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.reply.Reply;

/**
 * What the end-of-DATA check decided: refuse the message ({@code refusal}), queue it for the inspection stage (both
 * null), or queue it already inspected ({@code inspected}: the session reached the stage's verdict on cached answers,
 * ADR 0077).
 */
public record CheckResult(Reply refusal, Inspected inspected) {

    /** Queue the message for the inspection stage. */
    public static final CheckResult QUEUE = new CheckResult(null, null);

    public static CheckResult refuse(Reply refusal) {
        return new CheckResult(refusal, null);
    }

    public static CheckResult inspected(Inspected inspected) {
        return new CheckResult(null, inspected);
    }

    /**
     * A message inspected in the session, as the stage would have written it to {@code mail.ready}.
     *
     * @param envelope its envelope (the size is the stamped message's)
     * @param message  the message with the Authentication-Results field on top
     * @param summary  the JSON {@link org.securemail.common.mail.InspectionSummary} for the record's header
     */
    public record Inspected(MailEnvelope envelope, byte[] message, byte[] summary) {
    }
}
