package org.securemail.ingest.inspect.spf;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import org.securemail.dns.client.DnsResolver;
import org.securemail.ingest.inspect.net.IpAddress;

/**
 * The SPF check of the inspection stage (RFC 7208): authorises the {@code MAIL FROM} or {@code HELO} identity of a
 * message for the client's address. Every lookup goes through the {@link DnsResolver} with a deadline; the Uni
 * completes by {@link SpfLimits#checkDeadline()} whatever happens ({@code temperror} if the check could not finish)
 * and never fails. Thread-safe; one instance serves every check.
 */
public final class SpfChecker {

    /** Identities longer than this are not addresses (RFC 5321 caps a path at 256 octets). */
    static final int MAX_IDENTITY = 1024;

    private final DnsResolver dns;
    private final SpfLimits limits;
    private final String receivingHost;
    private final Clock clock;

    /** A checker whose {@code %{r}} is {@code unknown} and whose {@code %{t}} is the system clock. */
    public SpfChecker(DnsResolver dns, SpfLimits limits) {
        this(dns, limits, null, Clock.systemUTC());
    }

    /**
     * @param receivingHost the host name for the {@code %{r}} macro of explanations, null for {@code unknown}
     * @param clock         the time of the {@code %{t}} macro
     */
    public SpfChecker(DnsResolver dns, SpfLimits limits, String receivingHost, Clock clock) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.receivingHost = receivingHost == null || receivingHost.isBlank() ? MacroContext.UNKNOWN
                : receivingHost.trim();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks the {@code MAIL FROM} identity (RFC 7208 §2.4). For the null reverse-path ({@code null}, empty or
     * {@code <>}) the identity is {@code postmaster@<helo>}; a path without a local-part gets {@code postmaster}.
     *
     * @param mailFrom the reverse-path, with or without angle brackets
     */
    public Uni<SpfOutcome> checkMailFrom(InetAddress client, String helo, String mailFrom) {
        String path = mailFrom == null ? "" : mailFrom.trim();
        if (path.startsWith("<") && path.endsWith(">")) {
            path = path.substring(1, path.length() - 1).trim();
        }
        if (path.isEmpty()) {
            return check(client, SpfIdentity.MAILFROM, "postmaster", heloText(helo), helo);
        }
        int at = path.lastIndexOf('@');
        String local = at <= 0 ? "postmaster" : path.substring(0, at);
        String domain = at < 0 ? path : path.substring(at + 1);
        return check(client, SpfIdentity.MAILFROM, local, domain, helo);
    }

    /** Checks the {@code HELO} identity (RFC 7208 §2.3) as {@code postmaster@<helo>}. */
    public Uni<SpfOutcome> checkHelo(InetAddress client, String helo) {
        return check(client, SpfIdentity.HELO, "postmaster", heloText(helo), helo);
    }

    private Uni<SpfOutcome> check(InetAddress client, SpfIdentity identity, String localPart, String rawDomain,
            String helo) {
        IpAddress ip = IpAddress.of(Objects.requireNonNull(client, "client"));
        Evaluation evaluation = new Evaluation(dns, limits, ip);
        String given = rawDomain.length() > MAX_IDENTITY ? rawDomain.substring(0, MAX_IDENTITY) : rawDomain;
        Optional<String> domain = localPart.length() + given.length() >= MAX_IDENTITY ? Optional.empty()
                : SpfDomains.identityDomain(given);
        String sender = localPart + "@" + domain.orElse(given);
        evaluation.trace(0, "check_host(" + ip + ", " + domain.orElse(given) + ", " + sender + "), identity "
                + identity.name().toLowerCase(Locale.ROOT));
        if (domain.isEmpty()) {
            evaluation.trace(0, "\"" + given + "\" is not a valid multi-label domain name (RFC 7208 §4.3) → none");
            return Uni.createFrom().item(new SpfOutcome(SpfResult.NONE, identity, sender, given, null, null,
                    evaluation.traceLines()));
        }
        String heloName = heloText(helo).isEmpty() ? MacroContext.UNKNOWN : heloText(helo);
        MacroContext context = new MacroContext(sender, localPart, domain.get(), domain.get(), ip, heloName,
                MacroContext.UNKNOWN, receivingHost, clock.instant().getEpochSecond());
        HostEvaluator host = new HostEvaluator(evaluation);
        return Uni.createFrom().deferred(() -> {
            evaluation.start();
            return host.checkHost(context, 0, true);
        })
                .onFailure().recoverWithItem(failure -> {
                    evaluation.trace(0, "internal error: " + failure + " → temperror");
                    return HostResult.of(SpfResult.TEMPERROR);
                })
                .ifNoItem().after(limits.checkDeadline()).recoverWithItem(() -> {
                    evaluation.trace(0, "the check's deadline of " + limits.checkDeadline().toMillis()
                            + " ms passed → temperror");
                    return HostResult.of(SpfResult.TEMPERROR);
                })
                .map(result -> {
                    evaluation.trace(0, "result " + result.result().rfcName() + " (" + evaluation.counters() + ")");
                    String explanation = result.result() == SpfResult.FAIL ? result.explanation() : null;
                    return new SpfOutcome(result.result(), identity, sender, domain.get(), result.mechanism(),
                            explanation, evaluation.traceLines());
                });
    }

    /** The HELO name as given, trimmed and bounded; empty when there is none. */
    private static String heloText(String helo) {
        if (helo == null || helo.isBlank()) {
            return "";
        }
        String text = helo.trim();
        return text.length() > MAX_IDENTITY ? text.substring(0, MAX_IDENTITY) : text;
    }
}
