package org.securemail.common.delivery;

/** Result of one delivery attempt for one recipient. */
public enum Outcome {
    DELIVERED,
    DEFERRED,
    BOUNCED;
}
