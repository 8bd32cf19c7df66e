package org.securemail.ingest.smtp;

/** The two SMTP listeners and what each allows. */
public enum Listener {
    /** Port 25 semantics: inbound relay for provisioned domains only, no AUTH. */
    MX("mx"),
    /** Port 587 semantics: AUTH (after STARTTLS) required, then any recipient. */
    SUBMISSION("submission");

    private final String tag;

    Listener(String tag) {
        this.tag = tag;
    }

    /** Metric tag and log name. */
    public String tag() {
        return tag;
    }
}
