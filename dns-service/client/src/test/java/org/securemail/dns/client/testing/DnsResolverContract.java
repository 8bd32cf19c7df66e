package org.securemail.dns.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;

/**
 * What every {@link DnsResolver} must do, as the mail services see it; run by {@link FakeDnsResolver} and by
 * {@code KafkaDnsResolver} over a real broker to the real DNS service (dns-service's tests). Implementations describe
 * the DNS world (what the authoritative servers of a name do) and the contract checks what the caller gets. Every
 * test uses names of its own, so the real side's caches do not carry one test into another.
 */
public interface DnsResolverContract {

    /** Long enough for the real side's first request (the reply consumer's assignment); answers come much sooner. */
    Duration DEADLINE = Duration.ofSeconds(10);
    /** A deadline the caller holds to when no answer comes. */
    Duration SHORT_DEADLINE = Duration.ofMillis(700);

    DnsResolver resolver();

    /** {@code name} has these records of {@code type} (TTL 300, in presentation form without the final dot). */
    void givenRecords(String name, DnsType type, String... data);

    /** {@code name} does not exist. */
    void givenNoSuchName(String name);

    /** {@code name} exists but has no record of {@code type}. */
    void givenNoRecords(String name, DnsType type);

    /** The servers of {@code name} fail (SERVFAIL). */
    void givenServerFailure(String name);

    /** The servers of {@code name} never answer. */
    void givenSilence(String name);

    /** The servers of {@code name} answer, but only after {@code delay}. */
    void givenSlowServers(String name, Duration delay);

    default DnsAnswer resolve(String name, DnsType type, Duration deadline) {
        return resolver().resolve(name, type, deadline).await().atMost(deadline.plusSeconds(5));
    }

    @Test
    default void answersWithTheRecordsOfTheNormalizedName() {
        givenRecords("answer.contract.test", DnsType.MX, "10 mx1.answer.contract.test", "20 mx2.answer.contract.test");

        DnsAnswer answer = resolve("Answer.Contract.TEST.", DnsType.MX, DEADLINE);

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.name()).isEqualTo("answer.contract.test");
        assertThat(answer.type()).isEqualTo(DnsType.MX);
        assertThat(answer.records()).extracting(DnsRecordData::data)
                .containsExactlyInAnyOrder("10 mx1.answer.contract.test", "20 mx2.answer.contract.test");
        assertThat(answer.records()).allSatisfy(r -> {
            assertThat(r.name()).isEqualTo("answer.contract.test");
            assertThat(r.type()).isEqualTo(DnsType.MX);
            assertThat(r.ttl()).isBetween(1L, 300L);
        });
    }

    @Test
    default void aNameThatDoesNotExistIsNxdomainWithoutRecords() {
        givenNoSuchName("gone.contract.test");

        DnsAnswer answer = resolve("gone.contract.test", DnsType.MX, DEADLINE);

        assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(answer.status().temporary()).isFalse();
        assertThat(answer.records()).isEmpty();
    }

    @Test
    default void aNameWithoutRecordsOfTheTypeIsNodata() {
        givenRecords("nodata.contract.test", DnsType.A, "192.0.2.7");
        givenNoRecords("nodata.contract.test", DnsType.AAAA);

        DnsAnswer answer = resolve("nodata.contract.test", DnsType.AAAA, DEADLINE);

        assertThat(answer.status()).isEqualTo(DnsStatus.NODATA);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    default void aServerFailureIsATemporaryFailureNotAnAnswer() {
        givenServerFailure("servfail.contract.test");

        DnsAnswer answer = resolve("servfail.contract.test", DnsType.A, DEADLINE);

        assertThat(answer.status()).isEqualTo(DnsStatus.FAILED);
        assertThat(answer.status().temporary()).isTrue();
        assertThat(answer.records()).isEmpty();
    }

    @Test
    default void completesWithTimeoutAtTheDeadlineWhenNoAnswerComes() {
        givenSilence("silent.contract.test");

        assertTimeoutAtTheDeadline("silent.contract.test");
    }

    @Test
    default void anAnswerSlowerThanTheDeadlineIsTimeoutAtTheDeadline() {
        givenRecords("late.contract.test", DnsType.A, "192.0.2.8");
        givenSlowServers("late.contract.test", Duration.ofSeconds(3));

        assertTimeoutAtTheDeadline("late.contract.test");
    }

    @Test
    default void waitsForASlowAnswerThatComesBeforeTheDeadline() {
        givenRecords("slow.contract.test", DnsType.A, "192.0.2.9");
        givenSlowServers("slow.contract.test", Duration.ofMillis(300));

        DnsAnswer answer = resolve("slow.contract.test", DnsType.A, DEADLINE);

        assertThat(answer.status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(answer.records()).extracting(DnsRecordData::data).containsExactly("192.0.2.9");
    }

    private void assertTimeoutAtTheDeadline(String name) {
        long start = System.nanoTime();
        DnsAnswer answer = resolve(name, DnsType.A, SHORT_DEADLINE);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
        assertThat(answer.name()).isEqualTo(name);
        assertThat(answer.records()).isEmpty();
        assertThat(millis).isBetween(SHORT_DEADLINE.toMillis() - 100, SHORT_DEADLINE.toMillis() + 1800);
    }
}
