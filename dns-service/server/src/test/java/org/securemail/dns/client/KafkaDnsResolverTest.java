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

    /** ADR 0091: a mail route (MX, then A and AAAA of the exchange) costs one request to the service. */
    @Test
    void anMxAnswerBringsTheExchangesAddressesSoTheRoutesNextLookupsAskNothing() {
        upstream.zone("route.example");
        upstream.record("route.example", "MX", "10 mx.route.example.");
        upstream.record("mx.route.example", "A", "192.0.2.25");
        upstream.record("mx.route.example", "AAAA");

        DnsAnswer mx = resolve("route.example", DnsType.MX, DEADLINE);

        assertThat(mx.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(mx.additional()).extracting(DnsCacheEntry::key)
                .containsExactlyInAnyOrder("A/mx.route.example", "AAAA/mx.route.example");

        DnsAnswer a = resolve("mx.route.example", DnsType.A, DEADLINE);
        DnsAnswer aaaa = resolve("mx.route.example", DnsType.AAAA, DEADLINE);

        assertThat(a.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(a.records()).extracting(DnsRecordData::data).containsExactly("192.0.2.25");
        assertThat(aaaa.status()).isEqualTo(DnsStatus.NODATA);
        // a request would be on the topic before its answer came back: none was sent for the exchange
        assertThat(broker.readToEnd(Topics.DNS_QUERIES))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .anySatisfy(v -> assertThat(v).contains("\"route.example\""))
                .noneSatisfy(v -> assertThat(v).contains("\"mx.route.example\""));
    }

    /** A reply of a service from before ADR 0091 (no additional field) reads as one without the section. */
    @Test
    void aReplyWithoutTheAdditionalFieldReadsAsAnEmptySection() throws Exception {
        DnsAnswer old = mapper.readValue("{\"name\":\"example.org\",\"type\":\"MX\",\"status\":\"ANSWER\","
                + "\"records\":[{\"name\":\"example.org\",\"type\":\"MX\",\"ttl\":60,\"data\":\"10 mx.example.org\"}],"
                + "\"ageSeconds\":0,\"detail\":null}", DnsAnswer.class);

        assertThat(old.additional()).isEmpty();
        assertThat(old.records()).hasSize(1);
        DnsAnswer again = mapper.readValue(mapper.writeValueAsBytes(old.withAdditional(List.of(new DnsCacheEntry(
                "mx.example.org", DnsType.A, DnsStatus.ANSWER, List.of(), 1, 2, 3, 0, 0, null)))), DnsAnswer.class);
        assertThat(again.additional()).extracting(DnsCacheEntry::key).containsExactly("A/mx.example.org");
    }

    private double serviceAnswers() {
        return registry.find("dns.answers").counters().stream().mapToDouble(Counter::count).sum();
    }

    private void publish(DnsCacheEntry entry) throws Exception {
        broker.send(Topics.DNS_CACHE, entry.key(), mapper.writeValueAsBytes(entry), Map.of());
    }
}
