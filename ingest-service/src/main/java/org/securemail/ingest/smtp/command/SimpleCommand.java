package org.securemail.ingest.smtp.command;

import org.securemail.ingest.reply.Reply;

/** The commands that need no state of their own: RSET, NOOP, QUIT, VRFY and HELP. */
public enum SimpleCommand implements SmtpCommand {

    RSET {
        @Override
        public void execute(CommandContext session, String args) {
            session.transaction().reset();
            session.reply(Reply.OK);
        }
    },
    NOOP {
        @Override
        public void execute(CommandContext session, String args) {
            session.reply(Reply.OK);
        }
    },
    QUIT {
        @Override
        public void execute(CommandContext session, String args) {
            session.reply(Reply.BYE);
            session.close();
        }
    },
    /** RFC 5321 §3.5.3: no address verification (it would help address harvesting). */
    VRFY {
        @Override
        public void execute(CommandContext session, String args) {
            if (args.isBlank()) {
                session.error(Reply.of(501, "5.5.4", "Syntax: VRFY address"), "syntax");
            } else {
                session.reply(Reply.of(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery"));
            }
        }
    },
    HELP {
        @Override
        public void execute(CommandContext session, String args) {
            session.reply(Reply.of(214, "2.0.0",
                    "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH"));
        }
    }
}
