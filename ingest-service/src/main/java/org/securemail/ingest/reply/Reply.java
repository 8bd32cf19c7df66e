package org.securemail.ingest.reply;

/**
 * One SMTP reply with its RFC 3463 enhanced status code. Multi-line replies (EHLO) are built by the caller.
 *
 * @param code     basic reply code (RFC 5321 §4.2)
 * @param enhanced enhanced status code such as {@code 2.0.0}, or null (greeting only)
 * @param text     human-readable text, no CR/LF
 */
public record Reply(int code, String enhanced, String text) {

    public Reply {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("reply text must be one line");
        }
    }

    public static Reply of(int code, String enhanced, String text) {
        return new Reply(code, enhanced, text);
    }

    /** The wire form including CRLF. */
    public String line() {
        return enhanced == null ? code + " " + text + "\r\n" : code + " " + enhanced + " " + text + "\r\n";
    }

    @Override
    public String toString() {
        return line().trim();
    }

    // Replies used in more than one place.
    public static final Reply OK = of(250, "2.0.0", "Ok");
    public static final Reply BYE = of(221, "2.0.0", "Bye");
    public static final Reply UNKNOWN_COMMAND = of(500, "5.5.1", "Error: command not recognized");
    public static final Reply LINE_TOO_LONG = of(500, "5.5.2", "Error: command line too long");
    public static final Reply BARE_NEWLINE = of(500, "5.5.2", "Error: bare <CR> or <LF> received");
    public static final Reply NUL_IN_COMMAND = of(500, "5.5.2", "Error: NUL character received");
    public static final Reply NEED_HELO = of(503, "5.5.1", "Error: send HELO/EHLO first");
    public static final Reply NEED_MAIL = of(503, "5.5.1", "Error: need MAIL command");
    public static final Reply NESTED_MAIL = of(503, "5.5.1", "Error: nested MAIL command");
    public static final Reply UTF8_UNDECLARED = of(553, "5.6.7", "Must declare SMTPUTF8 to send unicode address");
    public static final Reply BAD_SENDER_SYNTAX = of(501, "5.1.7", "Bad sender address syntax");
    public static final Reply BAD_RCPT_SYNTAX = of(501, "5.1.3", "Bad recipient address syntax");
    public static final Reply TOO_MANY_RECIPIENTS = of(452, "4.5.3", "Error: too many recipients");
    public static final Reply SIZE_EXCEEDED = of(552, "5.3.4", "Error: message file too big");
    public static final Reply NO_VALID_RECIPIENTS = of(554, "5.5.1", "Error: no valid recipients");
    public static final Reply RELAY_DENIED = of(550, "5.7.1", "Relay access denied");
    public static final Reply UNKNOWN_USER = of(550, "5.1.1", "Recipient address rejected: User unknown");
    public static final Reply SHUTTING_DOWN = of(421, "4.3.2", "Service shutting down, try again later");
    public static final Reply TIMEOUT = of(421, "4.4.2", "Error: timeout exceeded");
    /** {@code ingest.limits.session-lifetime} is over, however busy the session was. */
    public static final Reply LIFETIME_EXCEEDED = of(421, "4.4.2", "Error: session lifetime exceeded");
    /** DATA or BDAT came in slower than {@code ingest.limits.min-data-rate}. */
    public static final Reply DATA_RATE_TOO_LOW = of(421, "4.4.2", "Error: data rate too low");
    public static final Reply TOO_MANY_ERRORS = of(421, "4.7.0", "Error: too many errors");
    public static final Reply TOO_MANY_CONNECTIONS = of(421, "4.7.0", "Error: too many connections");
    /** The listener (MX or submission) has all its connections in use; the other one may not. */
    public static final Reply LISTENER_FULL = of(421, "4.7.0", "Error: too many connections to this service");
    public static final Reply TOO_MANY_CONNECTIONS_FROM_IP = of(421, "4.7.0", "Error: too many connections from your address");
    public static final Reply NOT_READY = of(451, "4.3.0", "Error: relay state is loading, try again later");
    public static final Reply NO_STORAGE = of(452, "4.3.1", "Insufficient system storage");
    public static final Reply QUEUE_TEMPFAIL = of(451, "4.3.0", "Error: queue file write error, try again later");
    public static final Reply AUTH_REQUIRED = of(530, "5.7.0", "Authentication required");
    public static final Reply STARTTLS_FIRST = of(530, "5.7.0", "Must issue a STARTTLS command first");
    public static final Reply AUTH_NOT_ENABLED = of(503, "5.5.1", "Error: authentication not enabled");
    public static final Reply AUTH_FAILED = of(535, "5.7.8", "Error: authentication failed");
    /** Too many failures from this address or for this user name (RFC 4954 §6 temporary failure). */
    public static final Reply AUTH_LOCKED = of(454, "4.7.0", "Too many failed authentication attempts, try again later");
    /** The authenticated user was disabled or removed since AUTH: the session must authenticate again. */
    public static final Reply AUTH_REVOKED = of(530, "5.7.0", "Authentication required: the user was disabled or removed");
    public static final Reply AUTH_OK = of(235, "2.7.0", "Authentication successful");
    public static final Reply AUTH_ABORTED = of(501, "5.7.0", "Authentication aborted");
    public static final Reply ALREADY_AUTHENTICATED = of(503, "5.5.1", "Error: already authenticated");
    public static final Reply SENDER_NOT_OWNED = of(553, "5.7.1", "Sender address rejected: not owned by user");
    public static final Reply LINE_TOO_LONG_IN_DATA = of(550, "5.6.0", "Error: message line longer than 998 characters");
    public static final Reply BARE_NEWLINE_IN_DATA = of(550, "5.5.2", "Error: bare <CR> or <LF> received in message");
    /** A NUL byte in DATA or BDAT: 8BITMIME does not allow it and BINARYMIME is not offered (issue 18). */
    public static final Reply NUL_IN_DATA = of(550, "5.6.0", "Error: NUL character received in message");
    /** More {@code Received} headers than {@code ingest.limits.max-hops}: a mail loop (Postfix's reply). */
    public static final Reply TOO_MANY_HOPS = of(554, "5.4.6", "Too many hops");
}
