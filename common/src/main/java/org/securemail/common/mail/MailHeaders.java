package org.securemail.common.mail;

/** Kafka header names used on the mail topics. */
public final class MailHeaders {

    /** JSON-encoded {@link MailEnvelope}. */
    public static final String ENVELOPE = "sm-envelope";

    private MailHeaders() {
    }
}
