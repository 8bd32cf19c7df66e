package org.securemail.ingest.smtp.command;

import java.util.Optional;

import org.securemail.common.observe.MessageLog;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.relay.RcptDecision;
import org.securemail.ingest.smtp.Listener;
import org.securemail.ingest.smtp.MailPath;
import org.securemail.ingest.smtp.MailTransaction;
import org.securemail.ingest.smtp.SessionDependencies;
import org.securemail.ingest.smtp.SessionState;

/**
 * RCPT TO: adds a recipient. On MX the relay policy decides (provisioned domains only, a domain's own size limit);
 * on submission any recipient not on the tenant's suppression list (refused without counting as a client error: the
 * client cannot know the list; the other recipients are accepted). One tenant per transaction: another tenant's recipient gets {@code 452 4.5.3}.
 */
public final class Rcpt implements SmtpCommand {

    @Override
    public void execute(CommandContext session, String args) {
        if (session.missingHelo()) {
            return;
        }
        MailTransaction transaction = session.transaction();
        if (transaction.sender() == null) {
            session.error(Reply.NEED_MAIL, "sequence");
            return;
        }
        if (!args.regionMatches(true, 0, "TO:", 0, 3)) {
            session.error(Reply.of(501, "5.5.4", "Syntax: RCPT TO:<address>"), "syntax");
            return;
        }
        MailPath path = MailPath.parse(args.substring(3));
        if (path == null || path.nullPath()) {
            session.error(Reply.BAD_RCPT_SYNTAX, "syntax");
            return;
        }
        if (!path.parameters().isEmpty()) {
            session.error(Reply.of(555, "5.5.4", "Unsupported option: " + path.parameters().keySet().iterator().next()),
                    "syntax");
            return;
        }
        if (path.unicode() && !transaction.smtputf8()) {
            session.reject(Reply.UTF8_UNDECLARED, "utf8_undeclared", "RCPT");
            return;
        }
        SessionDependencies deps = session.deps();
        if (transaction.recipients().size() >= deps.config().limits().maxRecipients()) {
            session.reject(Reply.TOO_MANY_RECIPIENTS, "too_many_recipients", "RCPT");
            return;
        }
        SessionState state = session.state();
        long maxSize = deps.config().limits().maxMessageSize();
        String rcptTenant;
        long rcptLimit = maxSize;
        if (state.listener() == Listener.MX) {
            RcptDecision d = deps.relay().inbound(path.localPart(), path.domain());
            if (!d.accepted()) {
                session.reject(d.reply(), d.reason(), "RCPT <" + path.address() + ">");
                return;
            }
            rcptTenant = d.tenantId();
            long domainLimit = deps.relay().sizeLimit(path.domain(), maxSize);
            if (transaction.declaredSize() > domainLimit) {
                session.reject(Reply.of(552, "5.3.4", "Message size exceeds the limit of " + path.domain()), "size",
                        "RCPT <" + path.address() + ">");
                return;
            }
            rcptLimit = domainLimit;
        } else {
            rcptTenant = state.user().tenantId();
            Optional<Reply> suppressed = deps.relay().checkSuppressed(rcptTenant, path.localPart(), path.domain(),
                    path.address());
            if (suppressed.isPresent()) {
                MessageLog.of("org.securemail.ingest.smtp").info(transaction.queueId(),
                        "%s: suppressed: RCPT <%s> of tenant %s", transaction.logId(), path.address(), rcptTenant);
                deps.metrics().rejected(state.listener().tag(), "suppressed");
                session.reply(suppressed.get());
                return;
            }
        }
        if (transaction.tenantId() != null && !transaction.tenantId().equals(rcptTenant)) {
            session.reject(
                    Reply.of(452, "4.5.3", "Error: too many recipients (other tenant: send in another transaction)"),
                    "tenant_split", "RCPT <" + path.address() + ">");
            return;
        }
        transaction.addRecipient(path.address(), rcptTenant, rcptLimit);
        session.reply(Reply.of(250, "2.1.5", "Ok"));
    }
}
