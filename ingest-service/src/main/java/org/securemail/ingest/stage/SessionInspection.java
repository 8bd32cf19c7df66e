package org.securemail.ingest.stage;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.securemail.common.mail.InspectionSummary;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.CheckResult;
import org.securemail.ingest.smtp.MessageCheck;

/**
 * The inspection at the end of DATA, on {@link CachedAnswers} only (this replica's copy of the shared DNS cache, never
 * a request), within {@code ingest.inspection.session-budget}. Two outcomes spare work after the 250:
 * <ul>
 * <li><b>Refusal</b> (ADR 0072): every recipient domain's policy rejects on final results: a {@code 550}/{@code 554}
 * now costs no bounce later.</li>
 * <li><b>Verdict</b> (ADR 0077): every check has its final result and every recipient domain takes the message: it is
 * stamped as the stage would stamp it and stored straight on {@code mail.ready} with the stage's summary, so the stage
 * does not inspect it again and the message costs one write instead of two.</li>
 * </ul>
 * Anything else (a deciding answer not cached, a quarantine, the budget spent, a content scanner configured, a large
 * message) queues the message for the stage, which decides as before. So a dead zone costs the session nothing.
 */
public final class SessionInspection implements MessageCheck {

    private static final MessageLog LOG = MessageLog.of(SessionInspection.class);

    private final Inspector cachedInspector;
    private final InspectionStage.PolicySource policies;
    private final Duration budget;
    private final Verdicts verdicts;
    private final Vertx vertx;
    private final MeterRegistry registry;

    /**
     * @param verdicts null: refusals only (the verdict in the session is off, or a content scanner is configured,
     *                 which only the stage asks)
     */
    public SessionInspection(Inspector cachedInspector, InspectionStage.PolicySource policies, Duration budget,
            Verdicts verdicts, Vertx vertx, MeterRegistry registry) {
        this.cachedInspector = cachedInspector;
        this.policies = policies;
        this.budget = budget;
        this.verdicts = verdicts;
        this.vertx = vertx;
        this.registry = registry;
    }

    /**
     * How a verdict reached in the session is written down, as the stage writes its own.
     *
     * @param authservId the authserv-id of our Authentication-Results field
     * @param maxBytes   larger messages go to the stage (the stamped copy is not in the session's memory budget)
     * @param mapper     JSON of the summary
     * @param clock      the summary's time
     */
    public record Verdicts(String authservId, long maxBytes, ObjectMapper mapper, Clock clock) {
    }

    @Override
    public Future<CheckResult> check(MailEnvelope envelope, byte[] message) {
        if (budget.isZero() || budget.isNegative()) {
            return Future.succeededFuture(CheckResult.QUEUE);
        }
        Map<String, List<String>> byDomain = InspectionStage.recipientsByDomain(envelope);
        List<DomainPolicy> domainPolicies = byDomain.keySet().stream()
                .map(d -> policies.policy(d).orElse(PolicyDecision.DEFAULT)).toList();
        boolean mayDecide = verdicts != null && message.length <= verdicts.maxBytes();
        if (!mayDecide && domainPolicies.stream().noneMatch(SessionInspection::mayReject)) {
            return Future.succeededFuture(CheckResult.QUEUE);
        }
        Inspector.CheckPlan plan = InspectionStage.plan(domainPolicies);
        Context context = vertx.getOrCreateContext();
        Promise<CheckResult> result = Promise.promise();
        cachedInspector.inspect(envelope, message, plan)
                .ifNoItem().after(budget).recoverWithItem(() -> null)
                .onFailure().recoverWithItem(() -> null)
                .subscribe().with(report -> context.runOnContext(v -> result.complete(safely(envelope, message,
                        report, domainPolicies, mayDecide))));
        return result.future();
    }

    /** The decision, or QUEUE if deciding failed: the session must get its reply. */
    private CheckResult safely(MailEnvelope envelope, byte[] message, InspectionReport report,
            List<DomainPolicy> domainPolicies, boolean mayDecide) {
        try {
            return decide(envelope, message, report, domainPolicies, mayDecide);
        } catch (RuntimeException e) {
            LOG.warn(envelope.queueId(), e, "%s: the end-of-DATA check failed; queueing the message",
                    envelope.queueId());
            return CheckResult.QUEUE;
        }
    }

    private CheckResult decide(MailEnvelope envelope, byte[] message, InspectionReport report,
            List<DomainPolicy> domainPolicies, boolean mayDecide) {
        if (report == null) {
            return CheckResult.QUEUE;
        }
        // a reject rests on final results only (fail, listed, the scanner's reject: PolicyDecision never acts on a
        // temperror), and what is not cached yet can only add reasons, never take this one away
        Verdict first = null;
        boolean allReject = true;
        boolean allDeliver = true;
        for (DomainPolicy policy : domainPolicies) {
            Verdict verdict = PolicyDecision.decide(policy, report);
            allReject &= verdict.action() == Verdict.Action.REJECT;
            allDeliver &= verdict.action() == Verdict.Action.DELIVER;
            first = first == null ? verdict : first;
        }
        if (allReject && first != null) {
            Reply refusal = reply(first.reasons(), envelope.clientIp());
            registry.counter("ingest.inspection.session.rejected", "check", check(first.reasons())).increment();
            LOG.info(envelope.queueId(), "%s: refused at the end of DATA from [%s]: %s", envelope.queueId(),
                    envelope.clientIp(), first.reasons());
            return CheckResult.refuse(refusal);
        }
        // a verdict to deliver stands only on final results: a temperror anywhere leaves it to the stage, which may
        // park the message for the answer
        if (mayDecide && allDeliver && report.temporary().isEmpty()) {
            registry.counter("ingest.inspection.messages", "outcome", "deliver-in-session").increment();
            return CheckResult.inspected(inspected(envelope, message, report));
        }
        return CheckResult.QUEUE;
    }

    private CheckResult.Inspected inspected(MailEnvelope envelope, byte[] message, InspectionReport report) {
        byte[] stamped = AuthenticationResults.stamp(verdicts.authservId(), message, report);
        MailEnvelope stored = new MailEnvelope(envelope.queueId(), envelope.sender(), envelope.recipients(),
                envelope.clientIp(), envelope.helo(), envelope.tlsProtocol(), envelope.authIdentity(),
                envelope.tenantId(), envelope.direction(), envelope.receivedAt(), stamped.length);
        // passes 0: decided in the session; the record never went through mail.accepted (tracking reads it as such)
        InspectionSummary summary = new InspectionSummary(verdicts.clock().instant(), Verdict.Action.DELIVER.name(),
                report.lines(), List.of(), List.of(), 0);
        try {
            return new CheckResult.Inspected(stored, stamped, verdicts.mapper().writeValueAsBytes(summary));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the inspection summary", e);
        }
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
        return (envelope, message) -> Future.succeededFuture(CheckResult.QUEUE);
    }
}
