package org.securemail.ingest.smtp.command;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.Listener;
import org.securemail.ingest.smtp.SessionDependencies;
import org.securemail.ingest.smtp.SessionState;

/**
 * AUTH PLAIN (RFC 4616) and LOGIN, only on submission and only after STARTTLS (RFC 4954). The bcrypt check runs on a
 * worker while the session waits; a failure is answered after a delay.
 */
public final class Auth implements SmtpCommand {

    private static final Logger LOG = Logger.getLogger("org.securemail.ingest.smtp");

    @Override
    public void execute(CommandContext session, String args) {
        SessionState state = session.state();
        if (state.listener() != Listener.SUBMISSION) {
            session.error(Reply.AUTH_NOT_ENABLED, "auth_not_enabled");
            return;
        }
        if (!state.tls()) {
            session.error(Reply.STARTTLS_FIRST, "auth_without_tls");
            return;
        }
        if (session.missingHelo()) {
            return;
        }
        if (state.user() != null) {
            session.error(Reply.ALREADY_AUTHENTICATED, "sequence");
            return;
        }
        if (session.transaction().sender() != null) {
            session.error(Reply.of(503, "5.5.1", "Error: MAIL transaction in progress"), "sequence");
            return;
        }
        String[] parts = args.trim().split(" +");
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        String initial = parts.length > 1 ? parts[1] : null;
        switch (mechanism) {
            case "PLAIN" -> {
                if (initial == null) {
                    expectResponse(session, Auth::plain);
                    session.replyRaw("334 \r\n");
                } else {
                    plain(session, initial.equals("=") ? "" : initial);
                }
            }
            case "LOGIN" -> {
                if (initial == null) {
                    expectResponse(session, Auth::loginUser);
                    session.replyRaw("334 VXNlcm5hbWU6\r\n");
                } else {
                    loginUser(session, initial);
                }
            }
            default -> session.error(Reply.of(504, "5.5.4", "Error: unsupported authentication mechanism"), "syntax");
        }
    }

    /** The next line answers a 334 challenge; {@code *} aborts the exchange. */
    private static void expectResponse(CommandContext session, BiConsumer<CommandContext, String> next) {
        session.expectLine(line -> {
            if (line.equals("*")) {
                session.error(Reply.AUTH_ABORTED, "auth_aborted");
            } else {
                next.accept(session, line);
            }
        });
    }

    private static void plain(CommandContext session, String base64) {
        String decoded = decode(session, base64);
        if (decoded == null) {
            return;
        }
        String[] fields = decoded.split("\0", -1); // authzid NUL authcid NUL passwd (RFC 4616)
        if (fields.length != 3 || fields[1].isEmpty()) {
            session.error(Reply.of(501, "5.5.2", "Error: malformed PLAIN response"), "auth_syntax");
            return;
        }
        if (!fields[0].isEmpty() && !fields[0].equals(fields[1])) {
            session.error(Reply.of(535, "5.7.8", "Error: authorization identity not permitted"), "auth_failed");
            return;
        }
        verify(session, fields[1], fields[2]);
    }

    private static void loginUser(CommandContext session, String base64) {
        String username = decode(session, base64);
        if (username == null) {
            return;
        }
        expectResponse(session, (s, line) -> {
            String password = decode(s, line);
            if (password != null) {
                verify(s, username, password);
            }
        });
        session.replyRaw("334 UGFzc3dvcmQ6\r\n");
    }

    private static String decode(CommandContext session, String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            session.error(Reply.of(501, "5.5.2", "Error: cannot decode response"), "auth_syntax");
            return null;
        }
    }

    private static void verify(CommandContext session, String username, String password) {
        SessionState state = session.state();
        SessionDependencies deps = session.deps();
        if (deps.authenticator().locked(state.clientIp(), username)) {
            LOG.infof("[%s] AUTH refused: too many failures from this address or for this user name", state.clientIp());
            session.error(Reply.AUTH_LOCKED, "auth_locked");
            return;
        }
        session.suspend();
        deps.authenticator().verify(username, password).onComplete(ar -> {
            if (ar.succeeded() && ar.result().isPresent()) {
                SmtpUserRecord user = ar.result().get();
                state.authenticated(user);
                LOG.infof("[%s] authenticated as %s (tenant %s)", state.clientIp(), user.username(), user.tenantId());
                session.reply(Reply.AUTH_OK);
                session.resume();
            } else {
                deps.authenticator().failed(state.clientIp(), username);
                // never the raw input: a password typed into the user name field would end up in the log
                LOG.infof("[%s] AUTH failed (%s)", state.clientIp(),
                        deps.authenticator().isUser(username) ? "user " + username : "unknown user name");
                // like Postfix's smtpd_error_sleep_time: slow down password guessing without holding a thread
                deps.vertx().setTimer(Math.max(1, deps.config().limits().authFailureDelay().toMillis()), t -> {
                    session.error(Reply.AUTH_FAILED, "auth_failed");
                    session.resume();
                });
            }
        });
    }
}
