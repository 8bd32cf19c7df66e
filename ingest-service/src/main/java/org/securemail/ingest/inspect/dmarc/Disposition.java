package org.securemail.ingest.inspect.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * A requested handling policy ({@code p=} / {@code sp=}, RFC 7489 §6.3) and, with the same three values, the
 * disposition applied to a message (Appendix C {@code DispositionType}).
 */
public enum Disposition {
    NONE, QUARANTINE, REJECT;

    /** The tag value or the report name: {@code none}, {@code quarantine}, {@code reject}. */
    public String rfcName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a failing message outside the {@code pct} sample gets (§6.6.4): reject→quarantine, quarantine→none. */
    public Disposition oneStepLower() {
        return this == REJECT ? QUARANTINE : NONE;
    }

    /** The policy a tag value names, case-insensitively (RFC 5234 strings); empty for anything else. */
    static Optional<Disposition> fromTag(String value) {
        for (Disposition d : values()) {
            if (d.rfcName().equalsIgnoreCase(value)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
