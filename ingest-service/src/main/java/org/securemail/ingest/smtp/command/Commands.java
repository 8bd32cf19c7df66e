package org.securemail.ingest.smtp.command;

import static java.util.Map.entry;

import java.util.Locale;
import java.util.Map;

import org.jboss.logging.Logger;
import org.securemail.ingest.reply.Reply;

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
    private static SmtpCommand forVerb(String verb) {
        return BY_VERB.get(verb);
    }

    /** Runs the command {@code line} names (its verb in any case), or refuses an unknown verb. */
    public static void dispatch(CommandContext session, String line) {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        SmtpCommand command = forVerb(verb);
        if (command == null) {
            Logger.getLogger("org.securemail.ingest.smtp").debugf("unknown command from [%s]: %s",
                    session.state().clientIp(), verb);
            session.error(Reply.UNKNOWN_COMMAND, "unknown_command");
            return;
        }
        command.execute(session, sp < 0 ? "" : line.substring(sp + 1));
    }
}
