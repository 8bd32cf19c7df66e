package org.securemail.dns.client.fake;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;

/**
 * A fake {@link DnsResolver} for unit tests: answers come from a table that the test fills. A name/type with
 * no entry answers NXDOMAIN. Not a CDI bean; tests construct it.
 */
public final class FakeDnsResolver implements DnsResolver {

    private final Map<String, DnsAnswer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    @Override
    public Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
        lookups.incrementAndGet();
        String normalized = normalize(name);
        DnsAnswer answer = answers.get(key(normalized, type));
        if (answer == null) {
            answer = new DnsAnswer(normalized, type, DnsStatus.NXDOMAIN, List.of(), 0, null);
        }
        return Uni.createFrom().item(answer);
    }

    /** Answers {@code name}/{@code type} with these records (status ANSWER, TTL 300). */
    public FakeDnsResolver answer(String name, DnsType type, String... data) {
        String normalized = normalize(name);
        List<DnsRecordData> records = Arrays.stream(data)
                .map(d -> new DnsRecordData(normalized, type, 300, d))
                .toList();
        return put(new DnsAnswer(normalized, type, DnsStatus.ANSWER, records, 0, null));
    }

    /** Answers {@code name}/{@code type} with an empty answer of the given status (NODATA, FAILED, BUSY...). */
    public FakeDnsResolver status(String name, DnsType type, DnsStatus status) {
        String normalized = normalize(name);
        return put(new DnsAnswer(normalized, type, status, List.of(), 0, status.name().toLowerCase()));
    }

    public FakeDnsResolver put(DnsAnswer answer) {
        answers.put(key(answer.name(), answer.type()), answer);
        return this;
    }

    public void clear() {
        answers.clear();
    }

    public int lookups() {
        return lookups.get();
    }

    private static String key(String name, DnsType type) {
        return type + "/" + name;
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
