package org.securemail.delivery.smtp;

/** A session-level failure (timeout, lost connection, protocol error); the message is the reason for reports. */
public class SmtpException extends RuntimeException {

    public SmtpException(String message) {
        super(message, null, false, false);
    }
}
