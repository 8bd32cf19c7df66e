package org.securemail.ingest.smtp.command;

/** One SMTP verb (or a family of verbs with the same shape), stateless: the session holds the state. */
@FunctionalInterface
public interface SmtpCommand {

    /** Runs the command; {@code args} is the rest of the line after the verb and one space (may be empty). */
    void execute(CommandContext session, String args);
}
