package org.securemail.dns.client.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.Zones;

/**
 * The in-memory {@link DnsResolver} for tests: answers come from a table that the test fills. Not a CDI bean; tests
 * construct it. {@link DnsResolverContract} binds it to {@code KafkaDnsResolver} and the real DNS service.
 *
 * <p>Like the real resolver it keeps the interface's promise: the Uni completes by the caller's deadline, never fails.
 * A name the test said nothing about is not answered, so the caller gets {@link DnsStatus#TIMEOUT} at its deadline,
 * as from {@code KafkaDnsResolver} when the DNS service stays silent; a test that wants every other name to be, say,
 * NXDOMAIN says so with {@link #otherwise(DnsStatus)}. {@code status(..., TIMEOUT)} is silence for one name and type,
 * and an answer {@link #delay delayed} past the deadline is TIMEOUT at the deadline too.
 */
public final class FakeDnsResolver implements DnsResolver {

    /** TTL of the records given with {@link #answer}. */
    public static final long TTL = 300;

    private final Map<String, DnsAnswer> answers = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final Map<String, String> callerThreads = new ConcurrentHashMap<>();
    private volatile DnsStatus otherwise;

    @Override
    public Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
        lookups.incrementAndGet();
        String normalized = Zones.normalize(name);
        callerThreads.put(key(normalized, type), Thread.currentThread().getName());
        Uni<DnsAnswer> reply = answerFor(normalized, type)
                .map(answer -> {
                    Duration delay = delays.getOrDefault(normalized, Duration.ZERO);
                    Uni<DnsAnswer> item = Uni.createFrom().item(answer);
                    return delay.isZero() ? item : item.onItem().delayIt().by(delay);
                })
                .orElseGet(() -> Uni.createFrom().nothing());
        return reply.ifNoItem().after(deadline)
                .recoverWithItem(() -> DnsAnswer.timeout(normalized, type, "no answer from the fake by the deadline"));
    }

    private Optional<DnsAnswer> answerFor(String name, DnsType type) {
        DnsAnswer answer = answers.get(key(name, type));
        if (answer == null && otherwise != null) {
            answer = empty(name, type, otherwise);
        }
        return Optional.ofNullable(answer).filter(a -> a.status() != DnsStatus.TIMEOUT);
    }

    /** Answers {@code name}/{@code type} with these records (status ANSWER, TTL {@value #TTL}). */
    public FakeDnsResolver answer(String name, DnsType type, String... data) {
        String normalized = Zones.normalize(name);
        List<DnsRecordData> records = Arrays.stream(data)
                .map(d -> new DnsRecordData(normalized, type, TTL, d))
                .toList();
        return put(new DnsAnswer(normalized, type, DnsStatus.ANSWER, records, 0, null));
    }

    /**
     * Answers {@code name}/{@code type} with an empty answer of the given status (NXDOMAIN, NODATA, FAILED, BUSY...).
     * TIMEOUT means no answer: the caller gets TIMEOUT at its deadline.
     */
    public FakeDnsResolver status(String name, DnsType type, DnsStatus status) {
        return put(empty(Zones.normalize(name), type, status));
    }

    /** What names with no entry answer (an empty answer of this status); without it they are not answered. */
    public FakeDnsResolver otherwise(DnsStatus status) {
        this.otherwise = status;
        return this;
    }

    /** Every answer for {@code name} (any type) comes this late, as from slow servers. */
    public FakeDnsResolver delay(String name, Duration delay) {
        delays.put(Zones.normalize(name), delay);
        return this;
    }

    public FakeDnsResolver put(DnsAnswer answer) {
        answers.put(key(Zones.normalize(answer.name()), answer.type()), answer);
        return this;
    }

    /** Forgets every entry and delay; the {@link #otherwise} answer stays. */
    public void clear() {
        answers.clear();
        delays.clear();
        callerThreads.clear();
    }

    public int lookups() {
        return lookups.get();
    }

    /** The thread that last asked for {@code name}/{@code type}, if anyone did. */
    public Optional<String> callerThread(String name, DnsType type) {
        return Optional.ofNullable(callerThreads.get(key(Zones.normalize(name), type)));
    }

    private static DnsAnswer empty(String name, DnsType type, DnsStatus status) {
        return new DnsAnswer(name, type, status, List.of(), 0, status.temporary() ? status.name().toLowerCase() : null);
    }

    private static String key(String name, DnsType type) {
        return type + "/" + name;
    }
}
