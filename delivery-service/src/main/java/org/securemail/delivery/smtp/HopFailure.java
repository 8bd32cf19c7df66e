package org.securemail.delivery.smtp;

/** Failure to get a usable session on one address; the next address is tried. */
final class HopFailure extends SmtpException {

    /** The address answered (the destination is alive). */
    final boolean connected;
    /** Worth one more try on the same address right away (opportunistic TLS failed: retry in plain text). */
    final boolean retrySameHop;

    HopFailure(String message, boolean connected) {
        this(message, connected, false);
    }

    HopFailure(String message, boolean connected, boolean retrySameHop) {
        super(message);
        this.connected = connected;
        this.retrySameHop = retrySameHop;
    }
}
