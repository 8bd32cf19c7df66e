package org.securemail.common.mail;

/** Kafka header names used on the mail topics. */
public final class MailHeaders {

    /** JSON-encoded {@link MailEnvelope}. */
    public static final String ENVELOPE = "sm-envelope";

    /** JSON-encoded {@link InspectionSummary}: on inbound mail the inspection stage wrote to mail.ready or mail.quarantine. */
    public static final String INSPECTION = "sm-inspection";

    private MailHeaders() {
    }
}
