package org.securemail.ingest.inspect.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.ingest.inspect.net.IpAddress;

/**
 * Evaluates the mechanisms other than {@code include} (RFC 7208 §5.1, §5.3 to §5.7) and expands target names
 * (§4.8, §7). A temporary DNS status is {@link Match#TEMPERROR}; NXDOMAIN or an empty answer is a void lookup.
 */
final class MechanismEvaluator {

    private final Evaluation evaluation;

    MechanismEvaluator(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    /**
     * A target name: the expanded domain-spec (or the current domain when there is none), or why there is none.
     *
     * @param name    the name to query, null when {@code problem} is set
     * @param problem why the domain-spec gave no usable name
     */
    record Target(String name, String problem) {

        boolean valid() {
            return problem == null;
        }
    }

    /** The matching of the mechanisms that need no DNS: all, ip4, ip6. */
    boolean matchesWithoutDns(Mechanism mechanism) {
        IpAddress client = evaluation.client();
        if (mechanism instanceof Mechanism.Ip4 ip4) {
            return client.isV4() && client.inNetwork(ip4.network(), ip4.prefix());
        }
        if (mechanism instanceof Mechanism.Ip6 ip6) {
            return !client.isV4() && client.inNetwork(ip6.network(), ip6.prefix());
        }
        return mechanism instanceof Mechanism.All;
    }

    /** Evaluates a, mx, ptr or exists. */
    Uni<Match> evaluate(Directive directive, MacroContext context, int depth) {
        Mechanism mechanism = directive.mechanism();
        String term = directive.text();
        if (mechanism instanceof Mechanism.A a) {
            return withTarget(a.domain(), context, depth, term, target -> address(target, a.prefix4(), a.prefix6(),
                    depth, term));
        }
        if (mechanism instanceof Mechanism.Mx mx) {
            return withTarget(mx.domain(), context, depth, term, target -> mx(target, mx, depth, term));
        }
        if (mechanism instanceof Mechanism.Ptr ptr) {
            return withTarget(ptr.domain(), context, depth, term, target -> ptr(target, depth, term));
        }
        if (mechanism instanceof Mechanism.Exists exists) {
            return withTarget(exists.domain(), context, depth, term, target -> exists(target, depth, term));
        }
        evaluation.trace(depth, term + ": not a DNS mechanism → permerror");
        return Uni.createFrom().item(Match.PERMERROR);
    }

    private Uni<Match> withTarget(MacroString spec, MacroContext context, int depth, String term,
            Function<String, Uni<Match>> step) {
        return target(spec, context, depth).flatMap(target -> {
            if (!target.valid()) {
                evaluation.trace(depth, term + ": " + target.problem() + " → permerror");
                return Uni.createFrom().item(Match.PERMERROR);
            }
            return step.apply(target.name());
        });
    }

    /**
     * Expands {@code spec} for the current domain (§4.8), looking up the validated names first when it uses
     * {@code %{p}}; null spec means the current domain. A name that cannot be queried is a problem, not a name.
     */
    Uni<Target> target(MacroString spec, MacroContext context, int depth) {
        if (spec == null) {
            return Uni.createFrom().item(new Target(context.domain(), null));
        }
        return withValidatedName(spec, context, depth).map(ctx -> {
            try {
                String name = MacroExpander.expandDomain(spec, ctx);
                return SpfDomains.isQueryName(name) ? new Target(name, null)
                        : new Target(null, "\"" + spec.text() + "\" expands to \"" + name
                                + "\", not a valid domain name");
            } catch (SpfSyntaxException tooLong) {
                return new Target(null, tooLong.getMessage());
            }
        });
    }

    /** The context with its {@code p} value looked up when {@code spec} uses it (§7.3). */
    Uni<MacroContext> withValidatedName(MacroString spec, MacroContext context, int depth) {
        if (!spec.uses('p')) {
            return Uni.createFrom().item(context);
        }
        return evaluation.ptrNames(depth).map(names -> context.withValidatedName(names.pick(context.domain())));
    }

    private Uni<Match> address(String target, int prefix4, int prefix6, int depth, String term) {
        DnsType type = evaluation.addressType();
        return evaluation.lookup(target, type).map(answer -> {
            String seen = term + ": " + type + " " + target + " → " + Evaluation.describe(answer);
            Match early = classify(answer, depth, seen);
            if (early != null) {
                return early;
            }
            Match match = evaluation.containsClient(answer, prefix4, prefix6) ? Match.MATCH : Match.NO_MATCH;
            evaluation.trace(depth, seen + " → " + describe(match));
            return match;
        });
    }

    private Uni<Match> mx(String target, Mechanism.Mx mx, int depth, String term) {
        return evaluation.lookup(target, DnsType.MX).flatMap(answer -> {
            String seen = term + ": MX " + target + " → " + Evaluation.describe(answer);
            Match early = classify(answer, depth, seen);
            if (early != null) {
                return Uni.createFrom().item(early);
            }
            List<String> exchanges = exchanges(answer);
            if (exchanges.size() > evaluation.limits().maxMxNames()) {
                evaluation.trace(depth, seen + " → " + exchanges.size() + " exchanges, more than "
                        + evaluation.limits().maxMxNames() + " (RFC 7208 §4.6.4) → permerror");
                return Uni.createFrom().item(Match.PERMERROR);
            }
            DnsType type = evaluation.addressType();
            return evaluation.lookupAll(exchanges, type).map(addresses -> {
                boolean temporary = false;
                for (DnsAnswer address : addresses) {
                    if (evaluation.containsClient(address, mx.prefix4(), mx.prefix6())) {
                        evaluation.trace(depth, seen + " → " + type + " " + address.name() + " → "
                                + Evaluation.describe(address) + " → match");
                        return Match.MATCH;
                    }
                    temporary |= address.status().temporary();
                }
                Match match = temporary ? Match.TEMPERROR : Match.NO_MATCH;
                evaluation.trace(depth, seen + " → " + (temporary ? "an exchange's lookup failed → temperror"
                        : "no exchange has the client's address → no match"));
                return match;
            });
        });
    }

    /** The distinct exchange names of an MX answer, without the null MX ({@code 0 .}, RFC 7505). */
    private static List<String> exchanges(DnsAnswer answer) {
        List<String> names = new ArrayList<>();
        for (DnsRecordData record : answer.records()) {
            String[] fields = record.data().trim().split("\\s+");
            String name = SpfDomains.fromRecord(fields[fields.length - 1]);
            if (!name.isEmpty() && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private Uni<Match> ptr(String target, int depth, String term) {
        return evaluation.ptrNames(depth).map(names -> {
            if (names.voidLookup() && !evaluation.countVoidLookup(depth, term)) {
                return Match.PERMERROR;
            }
            Match match = names.names().stream().anyMatch(n -> SpfDomains.isSameOrSubdomain(n, target))
                    ? Match.MATCH : Match.NO_MATCH;
            evaluation.trace(depth, term + ": validated names " + names.names() + " in " + target + "? → "
                    + describe(match));
            return match;
        });
    }

    private Uni<Match> exists(String target, int depth, String term) {
        return evaluation.lookup(target, DnsType.A).map(answer -> {
            String seen = term + ": A " + target + " → " + Evaluation.describe(answer);
            Match early = classify(answer, depth, seen);
            if (early != null) {
                return early;
            }
            evaluation.trace(depth, seen + " → match");
            return Match.MATCH;
        });
    }

    /** TEMPERROR for a temporary status, NO_MATCH (or PERMERROR past the limit) for a void lookup, else null. */
    private Match classify(DnsAnswer answer, int depth, String seen) {
        if (answer.status().temporary()) {
            evaluation.trace(depth, seen + " → temperror");
            return Match.TEMPERROR;
        }
        if (!answer.status().usable() || answer.records().isEmpty()) {
            evaluation.trace(depth, seen + " → void lookup, no match");
            return evaluation.countVoidLookup(depth, seen) ? Match.NO_MATCH : Match.PERMERROR;
        }
        return null;
    }

    static String describe(Match match) {
        return match == Match.MATCH ? "match" : match == Match.NO_MATCH ? "no match" : match.error().rfcName();
    }
}
