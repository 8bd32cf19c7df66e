package org.securemail.ingest.inspect.content;

import java.util.Optional;

import org.securemail.ingest.inspect.content.ScanVerdict.Action;

/**
 * rspamd's actions, as named in its {@code /checkv2} reply, and what each means for the platform.
 * Greylisting is the SMTP session's business (a 4xx at RCPT time, with its own triplet store), not a post-accept
 * stage's: a message that reaches this stage has already been accepted, so GREYLIST is ACCEPT here.
 */
public enum RspamdAction {
    NO_ACTION("no action", Action.ACCEPT),
    GREYLIST("greylist", Action.ACCEPT),
    ADD_HEADER("add header", Action.TAG),
    REWRITE_SUBJECT("rewrite subject", Action.TAG),
    SOFT_REJECT("soft reject", Action.TEMPFAIL),
    REJECT("reject", Action.REJECT);

    private final String wireName;
    private final Action action;

    RspamdAction(String wireName, Action action) {
        this.wireName = wireName;
        this.action = action;
    }

    /** The action named {@code name} in a reply; empty for any other name (custom actions, discard, quarantine). */
    public static Optional<RspamdAction> fromWire(String name) {
        for (RspamdAction candidate : values()) {
            if (candidate.wireName.equals(name)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public String wireName() {
        return wireName;
    }

    public Action action() {
        return action;
    }
}
