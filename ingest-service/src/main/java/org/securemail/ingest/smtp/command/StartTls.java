package org.securemail.ingest.smtp.command;

import javax.net.ssl.SSLSession;

import org.jboss.logging.Logger;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.SessionState;

/**
 * STARTTLS (RFC 3207). Whatever the client pipelined after it was sent in clear text and is dropped (CVE-2011-0411
 * class); after the handshake the session starts over (EHLO again).
 */
public final class StartTls implements SmtpCommand {

    private static final Logger LOG = Logger.getLogger("org.securemail.ingest.smtp");

    @Override
    public void execute(CommandContext session, String args) {
        if (!session.deps().config().tls().enabled()) {
            session.error(Reply.of(502, "5.5.1", "Error: command not implemented"), "unknown_command");
            return;
        }
        SessionState state = session.state();
        if (state.tls()) {
            session.error(Reply.of(554, "5.5.1", "Error: TLS already active"), "sequence");
            return;
        }
        if (!args.isBlank()) {
            session.error(Reply.of(501, "5.5.4", "Syntax: STARTTLS"), "syntax");
            return;
        }
        session.reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
        session.startTls(ar -> {
            if (ar.failed()) {
                LOG.infof("TLS handshake with [%s] failed: %s", state.clientIp(), ar.cause().toString());
                session.deps().metrics().rejected(state.listener().tag(), "tls_failed");
                session.close();
                return;
            }
            SSLSession ssl = ar.result();
            state.tlsStarted(ssl == null ? "TLS" : ssl.getProtocol(), ssl == null ? null : ssl.getCipherSuite());
            session.transaction().reset();
            session.resume();
        });
    }
}
