package org.securemail.dns.limits;

/**
 * The outcome of asking for a slot: granted, or shed at a named cap (the caller answers BUSY, treated like a timeout).
 *
 * @param granted true when the caller holds the slot and must release it
 * @param shedAt  the cap that refused it: total, zone, upstream, slow-budget, queue-timeout; null when granted
 */
public record Admission(boolean granted, String shedAt) {

    static final Admission GRANTED = new Admission(true, null);

    static Admission shed(String cap) {
        return new Admission(false, cap);
    }
}
