package org.securemail.ingest.smtp.command;

import java.util.ArrayList;
import java.util.List;

import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.Listener;
import org.securemail.ingest.smtp.SessionState;

/** EHLO (with the extensions on offer, RFC 5321 §4.1.1.1) and HELO (plain SMTP). Both start over. */
public final class Ehlo implements SmtpCommand {

    private final boolean extended;

    /** {@code extended}: EHLO, else HELO. */
    public Ehlo(boolean extended) {
        this.extended = extended;
    }

    @Override
    public void execute(CommandContext session, String args) {
        String name = args.trim();
        if (name.isEmpty() || name.contains(" ")) {
            session.error(Reply.of(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"), "syntax");
            return;
        }
        session.transaction().reset();
        SessionState state = session.state();
        state.greeted(name, extended);
        IngestConfig config = session.deps().config();
        if (!extended) {
            session.replyRaw("250 " + config.hostname() + "\r\n");
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(config.hostname());
        lines.add("PIPELINING");
        lines.add("SIZE " + config.limits().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        if (!state.tls() && config.tls().enabled()) {
            lines.add("STARTTLS");
        }
        lines.add("CHUNKING");
        if (state.listener() == Listener.SUBMISSION && state.tls() && state.user() == null) {
            lines.add("AUTH PLAIN LOGIN");
        }
        for (int i = 0; i < lines.size(); i++) {
            session.replyRaw("250" + (i == lines.size() - 1 ? " " : "-") + lines.get(i) + "\r\n");
        }
    }
}
