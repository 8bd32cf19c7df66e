package org.securemail.ingest.inspect.spf;

import java.util.List;
import java.util.Objects;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;

/**
 * check_host() (RFC 7208 §4): fetches and selects the domain's record, evaluates its directives in order, follows
 * {@code include} (§5.2) and {@code redirect} (§6.1), and computes the explanation of a fail (§6.2). Terms that need
 * no DNS are evaluated in a loop; each DNS term continues the loop in its Uni, so the chain is at most as deep as the
 * limit of DNS-querying terms.
 */
final class HostEvaluator {

    /** Explanations longer than this are cut. */
    static final int MAX_EXPLANATION = 1024;

    private final Evaluation evaluation;
    private final MechanismEvaluator mechanisms;

    HostEvaluator(Evaluation evaluation) {
        this.evaluation = evaluation;
        this.mechanisms = new MechanismEvaluator(evaluation);
    }

    /**
     * check_host() for {@code context.domain()}, a valid name to query.
     *
     * @param explain whether to compute the explanation of a fail (not inside an include, §5.2)
     */
    Uni<HostResult> checkHost(MacroContext context, int depth, boolean explain) {
        String domain = context.domain();
        return evaluation.lookup(domain, DnsType.TXT).flatMap(answer -> {
            if (answer.status().temporary()) {
                evaluation.trace(depth, domain + ": TXT lookup " + Evaluation.describe(answer) + " → temperror");
                return result(SpfResult.TEMPERROR);
            }
            List<String> records = answer.status().usable()
                    ? answer.records().stream().map(DnsRecordData::data).filter(Objects::nonNull)
                            .filter(SpfRecordParser::isSpfRecord).toList()
                    : List.of();
            if (records.isEmpty()) {
                evaluation.trace(depth, domain + ": no SPF record (TXT " + Evaluation.describe(answer) + ") → none");
                return result(SpfResult.NONE);
            }
            if (records.size() > 1) {
                evaluation.trace(depth, domain + ": " + records.size() + " SPF records (RFC 7208 §4.5) → permerror");
                return result(SpfResult.PERMERROR);
            }
            String text = records.get(0);
            evaluation.trace(depth, domain + ": record \"" + text + "\""
                    + (answer.status() == DnsStatus.STALE ? " (stale answer)" : ""));
            SpfRecord record;
            try {
                record = SpfRecordParser.parse(text);
            } catch (SpfSyntaxException e) {
                evaluation.trace(depth, domain + ": syntax error: " + e.getMessage() + " → permerror");
                return result(SpfResult.PERMERROR);
            }
            return evaluate(record, 0, context, depth, explain);
        });
    }

    private Uni<HostResult> evaluate(SpfRecord record, int from, MacroContext context, int depth, boolean explain) {
        List<Directive> directives = record.directives();
        for (int i = from; i < directives.size(); i++) {
            Directive directive = directives.get(i);
            Mechanism mechanism = directive.mechanism();
            if (!mechanism.queriesDns()) {
                if (mechanisms.matchesWithoutDns(mechanism)) {
                    return matched(directive, record, context, depth, explain);
                }
                evaluation.trace(depth, directive.text() + " → no match");
                continue;
            }
            if (!evaluation.countDnsTerm(depth, directive.text())) {
                return result(SpfResult.PERMERROR);
            }
            Uni<Match> evaluated = mechanism instanceof Mechanism.Include include
                    ? include(directive, include, context, depth)
                    : mechanisms.evaluate(directive, context, depth);
            int next = i + 1;
            return evaluated.flatMap(match -> switch (match) {
                case MATCH -> matched(directive, record, context, depth, explain);
                case NO_MATCH -> evaluate(record, next, context, depth, explain);
                case TEMPERROR, PERMERROR -> result(match.error());
            });
        }
        if (record.redirect() != null && !record.hasAll()) {
            return redirect(record.redirect(), context, depth, explain);
        }
        evaluation.trace(depth, context.domain() + ": no directive matched → neutral");
        return result(SpfResult.NEUTRAL);
    }

    private Uni<HostResult> matched(Directive directive, SpfRecord record, MacroContext context, int depth,
            boolean explain) {
        SpfResult result = directive.qualifier().result();
        evaluation.trace(depth, directive.text() + " → match → " + result.rfcName());
        if (result != SpfResult.FAIL || !explain || record.exp() == null) {
            return Uni.createFrom().item(new HostResult(result, directive.text(), null));
        }
        return explanation(record.exp(), context, depth)
                .map(text -> new HostResult(result, directive.text(), text));
    }

    /** §5.2: pass matches, fail/softfail/neutral do not, temperror stays, permerror and none are permerror. */
    private Uni<Match> include(Directive directive, Mechanism.Include include, MacroContext context, int depth) {
        return mechanisms.target(include.domain(), context, depth).flatMap(target -> {
            if (!target.valid()) {
                evaluation.trace(depth, directive.text() + ": " + target.problem() + " → permerror");
                return Uni.createFrom().item(Match.PERMERROR);
            }
            evaluation.trace(depth, directive.text() + ": checking " + target.name());
            return checkHost(context.withDomain(target.name()), depth + 1, false).map(inner -> {
                Match match = switch (inner.result()) {
                    case PASS -> Match.MATCH;
                    case FAIL, SOFTFAIL, NEUTRAL -> Match.NO_MATCH;
                    case TEMPERROR -> Match.TEMPERROR;
                    case PERMERROR, NONE -> Match.PERMERROR;
                };
                evaluation.trace(depth, directive.text() + ": included result " + inner.result().rfcName() + " → "
                        + MechanismEvaluator.describe(match));
                return match;
            });
        });
    }

    /** §6.1: the target's result is this record's, except that no record there (none) is permerror. */
    private Uni<HostResult> redirect(MacroString spec, MacroContext context, int depth, boolean explain) {
        String term = "redirect=" + spec.text();
        if (!evaluation.countDnsTerm(depth, term)) {
            return result(SpfResult.PERMERROR);
        }
        return mechanisms.target(spec, context, depth).flatMap(target -> {
            if (!target.valid()) {
                evaluation.trace(depth, term + ": " + target.problem() + " → permerror");
                return result(SpfResult.PERMERROR);
            }
            evaluation.trace(depth, term + ": no directive matched, continuing at " + target.name());
            return checkHost(context.withDomain(target.name()), depth + 1, explain).map(inner -> {
                if (inner.result() != SpfResult.NONE) {
                    return inner;
                }
                evaluation.trace(depth, term + ": the target has no SPF record → permerror");
                return HostResult.of(SpfResult.PERMERROR);
            });
        });
    }

    /**
     * §6.2: the TXT record at the expanded {@code exp=} target, expanded as an explanation. Any failure (DNS error,
     * not exactly one record, syntax error) means no explanation, never a different result.
     */
    private Uni<String> explanation(MacroString spec, MacroContext context, int depth) {
        return mechanisms.target(spec, context, depth).flatMap(target -> {
            if (!target.valid()) {
                evaluation.trace(depth, "exp=" + spec.text() + ": " + target.problem() + ", no explanation");
                return Uni.createFrom().nullItem();
            }
            return evaluation.lookup(target.name(), DnsType.TXT).flatMap(answer -> explain(answer, context, depth));
        });
    }

    private Uni<String> explain(DnsAnswer answer, MacroContext context, int depth) {
        String seen = "exp: TXT " + answer.name() + " → " + Evaluation.describe(answer);
        if (!answer.status().usable() || answer.records().size() != 1) {
            evaluation.trace(depth, seen + ", not exactly one record: no explanation");
            return Uni.createFrom().nullItem();
        }
        MacroString text;
        try {
            text = MacroString.parse(answer.records().get(0).data(), MacroString.Kind.EXPLANATION);
        } catch (SpfSyntaxException e) {
            evaluation.trace(depth, seen + ", syntax error: " + e.getMessage() + ": no explanation");
            return Uni.createFrom().nullItem();
        }
        return mechanisms.withValidatedName(text, context, depth).map(ctx -> {
            try {
                String expanded = MacroExpander.expand(text, ctx);
                String cut = expanded.length() > MAX_EXPLANATION ? expanded.substring(0, MAX_EXPLANATION) : expanded;
                evaluation.trace(depth, seen + " → explanation \"" + cut + "\"");
                return cut;
            } catch (SpfSyntaxException e) {
                evaluation.trace(depth, seen + ": " + e.getMessage() + ": no explanation");
                return null;
            }
        });
    }

    private static Uni<HostResult> result(SpfResult result) {
        return Uni.createFrom().item(HostResult.of(result));
    }
}
