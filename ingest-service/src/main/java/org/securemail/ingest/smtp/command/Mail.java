package org.securemail.ingest.smtp.command;

import java.util.Optional;

import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.ingest.accept.QueueIds;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.Listener;
import org.securemail.ingest.smtp.MailPath;
import org.securemail.ingest.smtp.SessionDependencies;
import org.securemail.ingest.smtp.SessionState;

/**
 * MAIL FROM: starts a transaction. Parameters SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531) and AUTH
 * (RFC 4954, ignored). On submission the user must be authenticated and own the sender's domain.
 */
public final class Mail implements SmtpCommand {

    @Override
    public void execute(CommandContext session, String args) {
        if (session.missingHelo()) {
            return;
        }
        SessionState state = session.state();
        if (session.transaction().sender() != null) {
            session.error(Reply.NESTED_MAIL, "sequence");
            return;
        }
        if (state.listener() == Listener.SUBMISSION && state.user() == null) {
            session.reject(state.tls() ? Reply.AUTH_REQUIRED : Reply.STARTTLS_FIRST, "auth_required", "MAIL");
            return;
        }
        if (state.user() != null) {
            // a user disabled or removed since AUTH sends nothing more on this session (issue 12)
            Optional<SmtpUserRecord> current = session.deps().authenticator().stillValid(state.user());
            if (current.isEmpty()) {
                state.authenticated(null);
                session.reject(Reply.AUTH_REVOKED, "auth_revoked", "MAIL");
                return;
            }
            state.authenticated(current.get());
        }
        if (!args.regionMatches(true, 0, "FROM:", 0, 5)) {
            session.error(Reply.of(501, "5.5.4", "Syntax: MAIL FROM:<address>"), "syntax");
            return;
        }
        MailPath path = MailPath.parse(args.substring(5));
        if (path == null) {
            session.error(Reply.BAD_SENDER_SYNTAX, "syntax");
            return;
        }
        long size = 0;
        boolean utf8 = false;
        for (var p : path.parameters().entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    try {
                        size = Long.parseLong(value == null ? "" : value);
                    } catch (NumberFormatException e) {
                        session.error(Reply.of(501, "5.5.4", "Bad message size syntax"), "syntax");
                        return;
                    }
                }
                case "BODY" -> {
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        session.error(Reply.of(501, "5.5.4", "Unsupported BODY parameter"), "syntax");
                        return;
                    }
                }
                case "SMTPUTF8" -> utf8 = state.esmtp(); // addresses and headers may be UTF-8 (RFC 6531)
                case "AUTH" -> {
                    // RFC 4954 §5: accepted and ignored
                }
                default -> {
                    session.error(Reply.of(555, "5.5.4", "Unsupported option: " + p.getKey()), "syntax");
                    return;
                }
            }
        }
        if (path.unicode() && !utf8) {
            session.reject(Reply.UTF8_UNDECLARED, "utf8_undeclared", "MAIL");
            return;
        }
        SessionDependencies deps = session.deps();
        // SIZE= is checked against the limit only; memory is reserved as the data arrives, not for a declaration
        if (size > deps.config().limits().maxMessageSize()) {
            session.reject(Reply.of(552, "5.3.4", "Message size exceeds fixed limit"), "size", "MAIL");
            return;
        }
        String tenantId = null;
        if (state.listener() == Listener.SUBMISSION) {
            Optional<Reply> refused = deps.relay().checkSender(state.user(), path.domain());
            if (refused.isPresent()) {
                session.reject(refused.get(), "sender_not_owned", "MAIL");
                return;
            }
            tenantId = state.user().tenantId();
        }
        session.transaction().begin(QueueIds.next(), path.address(), size, utf8, tenantId);
        session.reply(Reply.of(250, "2.1.0", "Ok"));
    }
}
