package org.securemail.ingest.inspect.dnsbl;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;

/**
 * Proves that lookups go out together without timing anything: a lookup of the gated type is held until
 * {@code expected} of them are in flight at once, then all are answered by the wrapped resolver. Lookups made one
 * after the other never open the gate and time out at their deadline.
 */
final class GatedResolver implements DnsResolver {

    private final DnsResolver inner;
    private final DnsType gated;
    private final int expected;
    private final CompletableFuture<Boolean> open = new CompletableFuture<>();
    private final List<String> inFlight = new CopyOnWriteArrayList<>();

    GatedResolver(DnsResolver inner, DnsType gated, int expected) {
        this.inner = inner;
        this.gated = gated;
        this.expected = expected;
    }

    @Override
    public Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
        if (type != gated) {
            return inner.resolve(name, type, deadline);
        }
        return Uni.createFrom().deferred(() -> {
            inFlight.add(name);
            if (inFlight.size() >= expected) {
                open.complete(true);
            }
            return Uni.createFrom().completionStage(open)
                    .onItem().transformToUni(ignored -> inner.resolve(name, type, deadline));
        }).ifNoItem().after(deadline).recoverWithItem(() -> DnsAnswer.timeout(name, type, "gate never opened"));
    }

    /** The gated lookups that went out, in the order they did. */
    List<String> inFlight() {
        return List.copyOf(inFlight);
    }
}
