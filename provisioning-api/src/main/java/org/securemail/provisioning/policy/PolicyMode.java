package org.securemail.provisioning.policy;

import java.util.Locale;

/** SPF / DMARC enforcement of a domain. On the wire ({@code DomainPolicy}) it travels in lower case. */
public enum PolicyMode {
    /** Do not evaluate. */
    OFF,
    /** Evaluate and record the result in Authentication-Results, never reject. */
    TAG,
    /**
     * Hold mail that fails in quarantine ({@code mail.quarantine}): SPF {@code fail}, or DMARC {@code fail} where the
     * author domain asks for quarantine or reject.
     */
    QUARANTINE,
    /**
     * Reject mail that fails (DMARC: as the author domain's {@code p}/{@code sp} asks). After the 250 the inspection
     * stage holds such mail in quarantine, marked rejected, instead of bouncing it.
     */
    REJECT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
