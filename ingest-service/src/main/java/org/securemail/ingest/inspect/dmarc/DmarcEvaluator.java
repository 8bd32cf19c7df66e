package org.securemail.ingest.inspect.dmarc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import io.smallrye.mutiny.Uni;
import org.securemail.dns.client.DnsResolver;

/**
 * Evaluates DMARC (RFC 7489 §6.6) for a message whose SPF and DKIM results are known. Every lookup goes through the
 * {@link DnsResolver} with a deadline; the returned {@link Uni} never fails. Not a CDI bean: the inspection stage
 * constructs it ({@code new DmarcEvaluator(resolver, deadline, PctSampler.random())}).
 */
public final class DmarcEvaluator {

    /** Deadline of one DNS lookup when none is given; discovery makes at most two. */
    public static final Duration DEFAULT_LOOKUP_DEADLINE = Duration.ofSeconds(5);

    private final PolicyDiscovery discovery;
    private final PctSampler sampler;

    public DmarcEvaluator(DnsResolver resolver, Duration lookupDeadline, PctSampler sampler) {
        this.discovery = new PolicyDiscovery(Objects.requireNonNull(resolver, "resolver"),
                Objects.requireNonNull(lookupDeadline, "lookupDeadline"));
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    public DmarcEvaluator(DnsResolver resolver) {
        this(resolver, DEFAULT_LOOKUP_DEADLINE, PctSampler.random());
    }

    /** Discovers and parses the policy of {@code domain} only, with its explanation (operator endpoint). */
    public Uni<DmarcPolicyView> lookupPolicy(String domain) {
        return discovery.discover(domain);
    }

    /** Evaluates the message for the one author domain {@code input.headerFromDomain()}. */
    public Uni<DmarcOutcome> evaluate(DmarcInput input) {
        return discovery.discover(input.headerFromDomain()).map(view -> decide(view, input));
    }

    /**
     * Evaluates the message for every author domain of its From field(s) (§6.6.1): none gives permerror; several are
     * each evaluated and the strictest result applies (a failure with the strictest disposition first, then
     * temperror, permerror, pass, none). At most {@link FromHeader#MAX_DOMAINS} domains are evaluated.
     */
    public Uni<DmarcOutcome> evaluate(AuthorDomains authors, DmarcInput input) {
        List<String> preface = new ArrayList<>(authors.notes());
        if (authors.domains().isEmpty()) {
            preface.add("no RFC5322.From domain to evaluate: permerror");
            return Uni.createFrom().item(new DmarcOutcome(DmarcResult.PERMERROR, null, null, null, null,
                    Disposition.NONE, false, null, preface));
        }
        if (authors.domains().size() == 1) {
            return evaluate(input.withHeaderFrom(authors.domains().get(0))).map(outcome -> prefixed(preface, outcome));
        }
        List<Uni<DmarcOutcome>> each = authors.domains().stream()
                .limit(FromHeader.MAX_DOMAINS)
                .map(domain -> evaluate(input.withHeaderFrom(domain)))
                .toList();
        return Uni.join().all(each).andCollectFailures().map(outcomes -> strictest(preface, outcomes));
    }

    private DmarcOutcome decide(DmarcPolicyView view, DmarcInput input) {
        List<String> steps = new ArrayList<>(view.explanation());
        return switch (view.status()) {
            case NONE -> plain(DmarcResult.NONE, view, steps);
            case TEMPERROR -> plain(DmarcResult.TEMPERROR, view, steps);
            case PERMERROR -> plain(DmarcResult.PERMERROR, view, steps);
            case FOUND -> evaluateAgainst(view, input, steps);
        };
    }

    private static DmarcOutcome plain(DmarcResult result, DmarcPolicyView view, List<String> steps) {
        steps.add("dmarc=" + result.rfcName() + ", disposition none");
        return new DmarcOutcome(result, view.domain(), view.policyDomain(), view.record(), null, Disposition.NONE,
                false, null, steps);
    }

    private DmarcOutcome evaluateAgainst(DmarcPolicyView view, DmarcInput input, List<String> steps) {
        DmarcRecord record = view.record();
        Alignment alignment = Alignment.check(view.domain(), record, input);
        steps.add(describeSpf(input.spf(), alignment));
        steps.add(describeDkim(input, alignment));
        if (alignment.passes()) {
            steps.add("an aligned identifier passed: dmarc=pass, disposition none");
            return new DmarcOutcome(DmarcResult.PASS, view.domain(), view.policyDomain(), record, null,
                    Disposition.NONE, false, alignment, steps);
        }
        if (alignment.temporary()) {
            steps.add("no aligned pass, but an aligned identifier's check ended in temperror: dmarc=temperror "
                    + "(a temporary error never leads to quarantine or reject)");
            return new DmarcOutcome(DmarcResult.TEMPERROR, view.domain(), view.policyDomain(), record, null,
                    Disposition.NONE, false, alignment, steps);
        }
        Disposition requested;
        if (view.fromOrganizationalDomain()) {
            requested = record.effectiveSubdomainPolicy();
            steps.add("no aligned pass: dmarc=fail; " + view.domain() + " is a subdomain of " + view.policyDomain()
                    + ", so sp applies: " + requested.rfcName());
        } else {
            requested = record.policy();
            steps.add("no aligned pass: dmarc=fail; p applies: " + requested.rfcName());
        }
        Disposition disposition = requested;
        boolean sampledOut = false;
        if (record.percent() < 100 && requested != Disposition.NONE) {
            int draw = sampler.percentile();
            sampledOut = draw >= record.percent();
            if (sampledOut) {
                disposition = requested.oneStepLower();
                steps.add("pct=" + record.percent() + ": this message (draw " + draw + ") is outside the sample, "
                        + "so one step lower (RFC 7489 §6.6.4): " + disposition.rfcName());
            } else {
                steps.add("pct=" + record.percent() + ": this message (draw " + draw + ") is in the sample");
            }
        }
        steps.add("disposition " + disposition.rfcName());
        return new DmarcOutcome(DmarcResult.FAIL, view.domain(), view.policyDomain(), record, requested, disposition,
                sampledOut, alignment, steps);
    }

    private static String describeSpf(SpfIdentifier spf, Alignment alignment) {
        if (spf == null) {
            return "SPF: not checked";
        }
        return "SPF: " + spf.result().rfcName() + " for " + DmarcRecordParser.excerpt(String.valueOf(spf.domain()))
                + " (" + spf.scope().rfcName() + "), aspf=" + alignment.spfMode().tag() + ": "
                + (alignment.spfAligned() ? "aligned pass" : "no aligned pass");
    }

    private static String describeDkim(DmarcInput input, Alignment alignment) {
        if (input.dkim().isEmpty()) {
            return "DKIM: no signatures";
        }
        return "DKIM: " + input.dkim().size() + " signature(s), adkim=" + alignment.dkimMode().tag() + ": "
                + (alignment.dkimAligned() ? "aligned pass from d=" + String.join(", ", alignment.alignedDkimDomains())
                        : "no aligned pass");
    }

    private static DmarcOutcome prefixed(List<String> preface, DmarcOutcome outcome) {
        if (preface.isEmpty()) {
            return outcome;
        }
        List<String> steps = new ArrayList<>(preface);
        steps.addAll(outcome.explanation());
        return outcome.withExplanation(steps);
    }

    private static DmarcOutcome strictest(List<String> preface, List<DmarcOutcome> outcomes) {
        DmarcOutcome chosen = outcomes.stream().max(Comparator.comparingInt(DmarcEvaluator::severity)).orElseThrow();
        List<String> steps = new ArrayList<>(preface);
        steps.add(outcomes.size() + " author domains: each evaluated, the strictest result applies (RFC 7489 §6.6.1)");
        for (DmarcOutcome o : outcomes) {
            steps.add(o.authorDomain() + ": dmarc=" + o.result().rfcName() + ", disposition "
                    + o.disposition().rfcName());
        }
        steps.add("applied: " + chosen.authorDomain());
        steps.addAll(chosen.explanation());
        return chosen.withExplanation(steps);
    }

    private static int severity(DmarcOutcome outcome) {
        return switch (outcome.result()) {
            case FAIL -> 10 + outcome.disposition().ordinal();
            case TEMPERROR -> 5;
            case PERMERROR -> 4;
            case PASS -> 2;
            case NONE -> 1;
        };
    }
}
