package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.topics.Topics;
import org.securemail.dns.client.testing.DnsResolverContract;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.dns.InjectTestDnsServer;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.testing.dns.TestDnsServerResource;
import org.securemail.testing.dns.TestDnsServer.Mode;

/**
 * dns-client's {@link KafkaDnsResolver} as a consuming service uses it (only bootstrap servers set), over a real
 * broker to the real DNS service ({@code QueryResponder}, {@code LookupService}, its cache) and a real UDP upstream
 * ({@link TestDnsServer}): the resolver contract that {@code FakeDnsResolver} passes too, and what only the Kafka
 * resolver does (key = zone, the local cache fed from {@code dns.cache}, stale fallback). It lives with the service's
 * tests because it needs the service; the application runs both, the client beans switched on by the test profile.
 */
@QuarkusTest
@TestProfile(KafkaDnsResolverTest.WithTheClient.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestDnsServerResource.class, restrictToAnnotatedClass = true)
class KafkaDnsResolverTest implements DnsResolverContract {

    /** The dns-client beans and channels, which the service's own configuration switches off. */
    public static class WithTheClient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the service's fixed caps: with a learned limit (ADR 0080) the dead zones of the contract's tests fill
            // its small slow budget, and the stale-fallback test below would get BUSY back instead of no answer
            return Map.of(KafkaDnsResolver.ENABLED_PROPERTY, "true", "dns.limits.adaptive", "false");
        }
    }

    @Inject
    DnsResolver resolver;

    @Inject
    LocalDnsCache local;

    @Inject
    MeterRegistry registry;

    @Inject
    ObjectMapper mapper;

    @InjectKafkaBroker
    KafkaBroker broker;

    @InjectTestDnsServer
    TestDnsServer upstream;

    @Override
    public DnsResolver resolver() {
        return resolver;
    }

    // The contract's world, on the test DNS server: each name is a zone of its own.

    @Override
    public void givenRecords(String name, DnsType type, String... data) {
        upstream.zone(name);
        upstream.record(name, type.name(), data);
    }

    @Override
    public void givenNoSuchName(String name) {
        upstream.zone(name).mode(Mode.NXDOMAIN);
    }

    @Override
    public void givenNoRecords(String name, DnsType type) {
        upstream.zone(name);
        upstream.record(name, type.name());
    }

    @Override
    public void givenServerFailure(String name) {
        upstream.zone(name).mode(Mode.SERVFAIL);
    }

    @Override
    public void givenSilence(String name) {
        upstream.zone(name).mode(Mode.DEAD);
    }

    @Override
    public void givenSlowServers(String name, Duration delay) {
        upstream.zone(name).delay(delay);
    }

    // What only the Kafka resolver does.

    @Test
    void sendsEachRequestKeyedByTheZoneOfTheName() {
        upstream.zone("example.co.uk");
        upstream.record("mail.example.co.uk", "MX", "10 mx.mail.example.co.uk.");

        DnsAnswer answer = resolve("Mail.Example.CO.UK.", DnsType.MX, DEADLINE);

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.records()).extracting(DnsRecordData::data).containsExactly("10 mx.mail.example.co.uk");
        ConsumerRecord<String, byte[]> request = await().atMost(Duration.ofSeconds(30)).until(
                () -> broker.read(Topics.DNS_QUERIES, 1000, Duration.ofSeconds(2)).stream()
                        .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"mail.example.co.uk\""))
                        .findFirst().orElse(null),
                r -> r != null);
        assertThat(request.key()).isEqualTo("example.co.uk");
    }

    @Test
    void answersFromTheLocalCacheFedByDnsCacheWithoutAskingTheService() throws Exception {
        long now = System.currentTimeMillis();
        publish(new DnsCacheEntry("cached.example.net", DnsType.A, DnsStatus.ANSWER,
                List.of(new DnsRecordData("cached.example.net", DnsType.A, 600, "192.0.2.9")),
                now, now + 600_000, now + 86_400_000, 0, 0, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> local.fresh("cached.example.net", DnsType.A,
                System.currentTimeMillis()).isPresent());
        double answeredByTheService = serviceAnswers();

        DnsAnswer answer = resolve("cached.example.net", DnsType.A, Duration.ofSeconds(2));

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.records()).extracting(DnsRecordData::data).containsExactly("192.0.2.9");
        assertThat(answer.records().get(0).ttl()).isBetween(590L, 600L);
        // a reply from the service comes after the service counted its answer
        assertThat(serviceAnswers()).isEqualTo(answeredByTheService);
    }

    @Test
    void fallsBackToAStaleLocalAnswerWhenTheServiceDoesNotAnswerInTime() throws Exception {
        upstream.zone("stale.example").mode(Mode.DEAD);
        long now = System.currentTimeMillis();
        publish(new DnsCacheEntry("silent.stale.example", DnsType.MX, DnsStatus.ANSWER,
                List.of(new DnsRecordData("silent.stale.example", DnsType.MX, 60, "10 mx.stale.example")),
                now - 120_000, now - 60_000, now + 86_400_000, 0, 0, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> local.stale("silent.stale.example", DnsType.MX,
                System.currentTimeMillis(), null).isPresent());

        // the service would serve it stale itself, but only after its client response timer (1.8 s)
        DnsAnswer answer = resolve("silent.stale.example", DnsType.MX, Duration.ofMillis(500));

        assertThat(answer.status()).isEqualTo(DnsStatus.STALE);
        assertThat(answer.detail()).isEqualTo("no answer from the DNS service by the deadline");
        assertThat(answer.records()).extracting(DnsRecordData::ttl).containsExactly(LocalDnsCache.STALE_TTL_SECONDS);
        assertThat(answer.ageSeconds()).isGreaterThanOrEqualTo(120);
    }

    private double serviceAnswers() {
        return registry.find("dns.answers").counters().stream().mapToDouble(Counter::count).sum();
    }

    private void publish(DnsCacheEntry entry) throws Exception {
        broker.send(Topics.DNS_CACHE, entry.key(), mapper.writeValueAsBytes(entry), Map.of());
    }
}
