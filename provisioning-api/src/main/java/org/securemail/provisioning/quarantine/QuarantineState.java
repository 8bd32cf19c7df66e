package org.securemail.provisioning.quarantine;

/** Where a quarantined message is in its life. */
public enum QuarantineState {
    /** Held: it can be released or deleted. */
    HELD,
    /** Being written to {@code mail.ready}; back to HELD if that fails. */
    RELEASING,
    /** Written to {@code mail.ready}: delivery has it. */
    RELEASED,
    /** Deleted: never released; the record leaves the topic with its retention. */
    DELETED,
    /** The record was no longer on the topic (past its retention) when a release was asked for. */
    EXPIRED
}
