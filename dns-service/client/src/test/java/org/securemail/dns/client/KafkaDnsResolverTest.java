package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.topics.Topics;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;

/** The library as a consuming service sees it: only bootstrap servers configured, a real broker. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class KafkaDnsResolverTest {

    @Inject
    DnsResolver resolver;

    @Inject
    StandInDnsService service;

    @Inject
    LocalDnsCache local;

    @InjectKafkaBroker
    KafkaBroker broker;

    @Test
    void resolvesOverKafkaRequestReplyKeyedByZone() {
        DnsAnswer answer = resolver.resolve("Mail.Example.CO.UK.", DnsType.MX, Duration.ofSeconds(10))
                .await().atMost(Duration.ofSeconds(15));

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.records()).extracting(DnsRecordData::data).containsExactly("10 mx.mail.example.co.uk");
        assertThat(service.lastKey()).isEqualTo("example.co.uk");
    }

    @Test
    void completesWithTimeoutByTheDeadlineWhenNoReplyComes() {
        long start = System.nanoTime();
        DnsAnswer answer = resolver.resolve("silent.example.org", DnsType.A, Duration.ofMillis(700))
                .await().atMost(Duration.ofSeconds(5));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
        assertThat(millis).isBetween(600L, 2500L);
    }

    @Test
    void answersFromTheLocalCacheFedByDnsCacheWithoutARequest() {
        long now = System.currentTimeMillis();
        publish(new DnsCacheEntry("cached.example.net", DnsType.A, DnsStatus.ANSWER,
                List.of(new DnsRecordData("cached.example.net", DnsType.A, 600, "192.0.2.9")),
                now, now + 600_000, now + 86_400_000, 0, 0, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> local.fresh("cached.example.net", DnsType.A,
                System.currentTimeMillis()).isPresent());
        int before = service.requests();

        DnsAnswer answer = resolver.resolve("cached.example.net", DnsType.A, Duration.ofSeconds(2))
                .await().atMost(Duration.ofSeconds(5));

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.records()).extracting(DnsRecordData::data).containsExactly("192.0.2.9");
        assertThat(answer.records().get(0).ttl()).isBetween(590L, 600L);
        assertThat(service.requests()).isEqualTo(before);
    }

    @Test
    void fallsBackToAStaleLocalAnswerWhenTheServiceDoesNotAnswerInTime() {
        long now = System.currentTimeMillis();
        publish(new DnsCacheEntry("silent.stale.example", DnsType.MX, DnsStatus.ANSWER,
                List.of(new DnsRecordData("silent.stale.example", DnsType.MX, 60, "10 mx.stale.example")),
                now - 120_000, now - 60_000, now + 86_400_000, 0, 0, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> local.stale("silent.stale.example", DnsType.MX,
                System.currentTimeMillis(), null).isPresent());

        DnsAnswer answer = resolver.resolve("silent.stale.example", DnsType.MX, Duration.ofMillis(500))
                .await().atMost(Duration.ofSeconds(5));

        assertThat(answer.status()).isEqualTo(DnsStatus.STALE);
        assertThat(answer.records()).extracting(DnsRecordData::ttl).containsExactly(30L);
        assertThat(answer.ageSeconds()).isGreaterThanOrEqualTo(120);
    }

    private void publish(DnsCacheEntry entry) {
        String json = "{\"name\":\"" + entry.name() + "\",\"type\":\"" + entry.type() + "\",\"status\":\""
                + entry.status() + "\",\"records\":[{\"name\":\"" + entry.name() + "\",\"type\":\"" + entry.type()
                + "\",\"ttl\":" + entry.records().get(0).ttl() + ",\"data\":\"" + entry.records().get(0).data()
                + "\"}],\"storedAtMillis\":" + entry.storedAtMillis() + ",\"expiresAtMillis\":"
                + entry.expiresAtMillis() + ",\"staleUntilMillis\":" + entry.staleUntilMillis()
                + ",\"failures\":0,\"failedUntilMillis\":0,\"failureDetail\":null}";
        broker.send(Topics.DNS_CACHE, entry.key(), json.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
