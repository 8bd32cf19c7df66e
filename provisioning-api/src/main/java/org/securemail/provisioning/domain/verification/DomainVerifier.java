package org.securemail.provisioning.domain.verification;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.domain.Domain;
import org.securemail.provisioning.domain.DomainRepository;
import org.securemail.provisioning.error.ProblemMappers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Checks pending claims in DNS, through the DNS service ({@link DnsResolver}): never a resolver of its own, so a
 * dead zone costs one bounded lookup per check and nothing else. Each poll leases a batch of due claims (a peer
 * replica skips what this one leased), looks up their TXT records concurrently, and applies each result in its own
 * transaction. A lookup that gives no answer is a temporary failure: the claim stays pending and is checked again
 * with backoff ({@link DomainVerifications#applyCheck}).
 */
@ApplicationScoped
public class DomainVerifier {

    private static final Logger LOG = Logger.getLogger(DomainVerifier.class);

    @Inject
    DomainRepository domains;

    @Inject
    DomainVerifications verifications;

    @Inject
    DnsResolver dns;

    @Inject
    ProvisioningConfig config;

    @Inject
    MeterRegistry registry;

    private final Map<CheckOutcome, Counter> checks = new EnumMap<>(CheckOutcome.class);

    @PostConstruct
    void registerMeters() {
        for (CheckOutcome outcome : CheckOutcome.values()) {
            checks.put(outcome, Counter.builder("provisioning.domain.verification.checks")
                    .description("DNS checks of domain claims, by outcome").tag("outcome", outcome.name()).register(registry));
        }
    }

    @Scheduled(identity = "domain-verifier", every = "${provisioning.verification.poll-interval:10s}",
            delayed = "${provisioning.verification.poll-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return checkDue().onFailure().recoverWithItem(failure -> {
            LOG.warnf("domain verification poll failed, next poll retries: %s", failure.toString());
            return null;
        });
    }

    /** One poll: leases up to a batch of due claims and checks them. */
    public Uni<Void> checkDue() {
        Instant now = Instant.now();
        Uni<List<Domain>> leased = Panache.withTransaction(() -> domains.due(now, config.verification().batchSize())
                .chain(due -> {
                    List<Domain> taken = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Domain d : due) {
                        chain = chain.chain(() -> verifications.lease(d, now).invoke(ok -> {
                            if (ok) {
                                taken.add(d);
                            }
                        })).replaceWithVoid();
                    }
                    return chain.replaceWith(taken);
                }));
        return leased.chain(taken -> taken.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(taken.stream().map(this::lookUp).toList()).andFailFast().chain(this::applyInTurn));
    }

    /** The lookups run concurrently; each completes by the DNS deadline and never fails (DnsResolver's contract). */
    private Uni<Checked> lookUp(Domain d) {
        return dns.resolve(verifications.txtName(d), DnsType.TXT, config.verification().dnsDeadline())
                .map(answer -> new Checked(d, TxtCheck.evaluate(answer, d.verification.token)));
    }

    /** The results are written one after the other: the poll's database session is not shared by concurrent work. */
    private Uni<Void> applyInTurn(List<Checked> checked) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Checked c : checked) {
            chain = chain.chain(() -> apply(c));
        }
        return chain;
    }

    private Uni<Void> apply(Checked c) {
        Domain d = c.domain();
        String token = d.verification.token;
        checks.get(c.result().outcome()).increment();
        return Panache.withTransaction(() -> verifications.applyCheck(d.id, token, c.result(), Instant.now()))
                .onFailure(ProblemMappers::isUniqueViolation)
                .recoverWithUni(() -> Panache.withTransaction(() -> verifications.refuse(d.id, Instant.now())))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("verification check of %s (%s) failed, retried after its lease: %s", d.name, d.id,
                            failure.toString());
                    return null;
                });
    }

    private record Checked(Domain domain, TxtCheck.CheckResult result) {
    }
}
