package org.securemail.provisioning.quarantine;

/** What one attempt to write a held message to {@code mail.ready} came to. */
public enum ReleaseOutcome {
    /** The broker acknowledged the record ({@code acks=all}): delivery has it. */
    WRITTEN,
    /** The record has left {@code mail.quarantine} (past its retention): there is nothing to write. */
    GONE,
    /**
     * Certainly not on {@code mail.ready}: the attempt failed before the record could reach the broker (the held
     * record could not be read, the producer refused it: too large, not serializable) or the broker rejected it
     * without appending it. Writing again cannot deliver it twice.
     */
    NOT_WRITTEN,
    /**
     * May or may not be on {@code mail.ready}: the acknowledgement did not come in time (a timeout, a lost
     * connection, an append the replicas did not confirm). Only writing again can make sure; that may deliver it
     * twice.
     */
    UNKNOWN
}
