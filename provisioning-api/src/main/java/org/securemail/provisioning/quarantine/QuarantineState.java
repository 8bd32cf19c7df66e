package org.securemail.provisioning.quarantine;

/** Where a quarantined message is in its life. */
public enum QuarantineState {
    /** Held: it can be released or deleted. */
    HELD,
    /**
     * A release was claimed and its write to {@code mail.ready} begun. Back to HELD only when that write certainly
     * did not happen; after a crash or a write whose outcome is unknown it stays RELEASING and the sweeper writes it
     * again after {@code provisioning.quarantine.release-retry-after} (at least once, ADR 0073).
     */
    RELEASING,
    /** Written to {@code mail.ready}: delivery has it. */
    RELEASED,
    /** Deleted: never released; the record leaves the topic with its retention. */
    DELETED,
    /** The record was no longer on the topic (past its retention) when a release was asked for. */
    EXPIRED
}
