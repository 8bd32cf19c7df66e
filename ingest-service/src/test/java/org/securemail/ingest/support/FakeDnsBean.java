package org.securemail.ingest.support;

import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.Zones;
import org.securemail.dns.client.testing.FakeDnsResolver;

/**
 * A fake: the {@link DnsResolver} of every {@code @QuarkusTest} of ingest, in place of the Kafka client of the DNS
 * service (no DNS service runs in these tests). Answers come from {@link #FAKE}, which tests fill; every other name is
 * NXDOMAIN. A zone in {@link #DEAD} does not answer at all: its lookups end with TIMEOUT at their deadline, as when
 * a zone's servers stop answering. The packaged jar ({@code *IT}) has the real client.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class FakeDnsBean implements DnsResolver {

    public static final FakeDnsResolver FAKE = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    /** Zones (registrable domains) that stopped answering. */
    public static final Set<String> DEAD = ConcurrentHashMap.newKeySet();
    /** Every answer given (dead zones' excepted), in order, for a test that caches what the stage looked up. */
    public static final Queue<DnsAnswer> GIVEN = new ConcurrentLinkedQueue<>();

    @Override
    public Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
        String normalized = Zones.normalize(name);
        if (DEAD.stream().anyMatch(zone -> normalized.equals(zone) || normalized.endsWith("." + zone))) {
            return Uni.createFrom().item(DnsAnswer.timeout(normalized, type, "dead zone (test)"))
                    .onItem().delayIt().by(deadline);
        }
        return FAKE.resolve(name, type, deadline).invoke(GIVEN::add);
    }
}
