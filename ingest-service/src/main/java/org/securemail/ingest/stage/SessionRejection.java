package org.securemail.ingest.stage;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.MessageCheck;

/**
 * Refuses inbound mail at the end of DATA when every recipient domain's policy rejects it and the answers are
 * already known: the checks run on {@link CachedAnswers} (this replica's copy of the shared DNS cache, never a
 * request), within {@code ingest.inspection.session-budget}. A reject rests on final results only; anything else (the
 * deciding lookup not cached, a recipient domain that does not reject, the budget spent) queues the message, and the
 * stage decides after the 250. So a refusal costs no bounce, and a dead zone costs the session nothing.
 */
public final class SessionRejection implements MessageCheck {

    private static final Logger LOG = Logger.getLogger(SessionRejection.class);

    private final Inspector cachedInspector;
    private final InspectionStage.PolicySource policies;
    private final Duration budget;
    private final Vertx vertx;
    private final MeterRegistry registry;

    public SessionRejection(Inspector cachedInspector, InspectionStage.PolicySource policies, Duration budget,
            Vertx vertx, MeterRegistry registry) {
        this.cachedInspector = cachedInspector;
        this.policies = policies;
        this.budget = budget;
        this.vertx = vertx;
        this.registry = registry;
    }

    @Override
    public Future<Reply> check(MailEnvelope envelope, byte[] message) {
        if (budget.isZero() || budget.isNegative()) {
            return Future.succeededFuture(null);
        }
        Map<String, List<String>> byDomain = InspectionStage.recipientsByDomain(envelope);
        List<DomainPolicy> domainPolicies = byDomain.keySet().stream()
                .map(d -> policies.policy(d).orElse(PolicyDecision.DEFAULT)).toList();
        Inspector.CheckPlan plan = InspectionStage.plan(domainPolicies);
        if (domainPolicies.stream().noneMatch(SessionRejection::mayReject)) {
            return Future.succeededFuture(null);
        }
        Context context = vertx.getOrCreateContext();
        Promise<Reply> reply = Promise.promise();
        cachedInspector.inspect(envelope, message, plan)
                .ifNoItem().after(budget).recoverWithItem(() -> null)
                .onFailure().recoverWithItem(() -> null)
                .subscribe().with(report -> context.runOnContext(v -> reply.complete(safely(envelope, report,
                        domainPolicies))));
        return reply.future();
    }

    /** The decision, or null (queue the message) if deciding failed: the session must get its reply. */
    private Reply safely(MailEnvelope envelope, InspectionReport report, List<DomainPolicy> domainPolicies) {
        try {
            return decide(envelope, report, domainPolicies);
        } catch (RuntimeException e) {
            LOG.warnf(e, "%s: the end-of-DATA check failed; queueing the message", envelope.queueId());
            return null;
        }
    }

    private Reply decide(MailEnvelope envelope, InspectionReport report, List<DomainPolicy> domainPolicies) {
        if (report == null) {
            return null;
        }
        // a reject rests on final results only (fail, listed, the scanner's reject: PolicyDecision never acts on a
        // temperror), and what is not cached yet can only add reasons, never take this one away

        Verdict first = null;
        for (DomainPolicy policy : domainPolicies) {
            Verdict verdict = PolicyDecision.decide(policy, report);
            if (verdict.action() != Verdict.Action.REJECT) {
                return null; // one domain takes it: queue it, the stage splits the recipients
            }
            first = first == null ? verdict : first;
        }
        Reply refusal = reply(first.reasons(), envelope.clientIp());
        registry.counter("ingest.inspection.session.rejected", "check", check(first.reasons())).increment();
        LOG.infof("%s: refused at the end of DATA from [%s]: %s", envelope.queueId(), envelope.clientIp(),
                first.reasons());
        return refusal;
    }

    private static boolean mayReject(DomainPolicy p) {
        return "reject".equalsIgnoreCase(p.spf()) || "reject".equalsIgnoreCase(p.dmarc()) || !p.dnsblZones().isEmpty();
    }

    private static String check(List<String> reasons) {
        String r = reasons.isEmpty() ? "" : reasons.get(0);
        int end = r.indexOf(r.startsWith("dnsbl") || r.startsWith("content") ? ':' : '=');
        return end > 0 ? r.substring(0, end) : "policy";
    }

    /** RFC 7372's codes for SPF (5.7.23) and the usual 5.7.1 for DMARC, blocklists and content. */
    static Reply reply(List<String> reasons, String clientIp) {
        String why = reasons.isEmpty() ? "" : reasons.get(0);
        if (why.startsWith("spf")) {
            return Reply.of(550, "5.7.23", "SPF validation failed: the sender's domain does not authorise this host");
        }
        if (why.startsWith("dmarc")) {
            return Reply.of(550, "5.7.1", "Rejected by the author domain's DMARC policy");
        }
        if (why.startsWith("dnsbl")) {
            return Reply.of(554, "5.7.1", "Service unavailable; client [" + clientIp + "] blocked using "
                    + why.substring(why.lastIndexOf(' ') + 1));
        }
        return Reply.of(554, "5.7.1", "Message refused by content policy");
    }

    /** No check at all (the stage is off in this replica). */
    public static MessageCheck none() {
        return (envelope, message) -> Future.succeededFuture(null);
    }
}
