package org.securemail.ingest.stage;

import java.util.List;

/**
 * What the stage does with a message for the recipients of one domain, and why.
 *
 * @param action  the policy's action
 * @param reasons one line per check that decided it ({@code "spf=fail (policy reject)"}); empty for DELIVER
 */
public record Verdict(Action action, List<String> reasons) {

    public Verdict {
        reasons = List.copyOf(reasons);
    }

    /** The policies' actions, from the mildest. */
    public enum Action {
        /** On to {@code mail.ready} with the header. */
        DELIVER,
        /** Held in {@code mail.quarantine}; the tenant lists, releases or deletes it through the API. */
        QUARANTINE,
        /**
         * Refused. After the 250 the message cannot be refused any more and a bounce would go to a sender the checks
         * say is probably forged, so the stage holds it in quarantine as well, marked rejected.
         */
        REJECT
    }
}
