package org.securemail.provisioning.policy;

import java.util.Locale;

/** SPF / DMARC enforcement of a domain. On the wire ({@code DomainPolicy}) it travels in lower case. */
public enum PolicyMode {
    /** Do not evaluate. */
    OFF,
    /** Evaluate and record the result in Authentication-Results, never reject. */
    TAG,
    /** Reject (or quarantine per DMARC) mail that fails. */
    REJECT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
