package org.securemail.ingest.smtp.command;

import static java.util.Map.entry;

import java.util.Map;

/** The dispatch table: verb (upper case) to command. */
public final class Commands {

    private static final Map<String, SmtpCommand> BY_VERB = Map.ofEntries(
            entry("EHLO", new Ehlo(true)),
            entry("HELO", new Ehlo(false)),
            entry("MAIL", new Mail()),
            entry("RCPT", new Rcpt()),
            entry("DATA", new Data()),
            entry("BDAT", new Bdat()),
            entry("RSET", SimpleCommand.RSET),
            entry("NOOP", SimpleCommand.NOOP),
            entry("QUIT", SimpleCommand.QUIT),
            entry("VRFY", SimpleCommand.VRFY),
            entry("HELP", SimpleCommand.HELP),
            entry("STARTTLS", new StartTls()),
            entry("AUTH", new Auth()));

    private Commands() {
    }

    /** The command for {@code verb}, or null when it is not one we know. */
    public static SmtpCommand forVerb(String verb) {
        return BY_VERB.get(verb);
    }
}
