package org.securemail.common.mail;

/** Which way a message travels through the platform. */
public enum Direction {
    /** Arrived on the MX listener for a provisioned inbound domain; relayed to the customer's server. */
    INBOUND,
    /** Submitted by an authenticated customer user; delivered to the recipient domain's MX. */
    OUTBOUND
}
