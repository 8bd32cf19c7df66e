package org.securemail.delivery.smtp;

/** Failure to get a usable session on one address; the next address is tried. */
final class HopFailure extends SmtpException {

    /** The address answered (the destination is alive). */
    final boolean connected;
    /** Worth one more try on the same address right away (opportunistic TLS failed: retry in plain text). */
    final boolean retrySameHop;
    /** No address can do better (a mail loop): the recipients fail for good, no further address is tried. */
    final boolean permanent;

    HopFailure(String message, boolean connected) {
        this(message, connected, false);
    }

    HopFailure(String message, boolean connected, boolean retrySameHop) {
        this(message, connected, retrySameHop, false);
    }

    private HopFailure(String message, boolean connected, boolean retrySameHop, boolean permanent) {
        super(message);
        this.connected = connected;
        this.retrySameHop = retrySameHop;
        this.permanent = permanent;
    }

    /** A failure that bounces the recipients whatever the other addresses would say. */
    static HopFailure permanent(String message) {
        return new HopFailure(message, true, false, true);
    }
}
