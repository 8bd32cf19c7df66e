package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.DnsResolverContract;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** The fake against the resolver contract, plus what only the fake has: the answer for names it was not told about. */
class FakeDnsResolverContractTest implements DnsResolverContract {

    private final FakeDnsResolver fake = new FakeDnsResolver();

    @Override
    public DnsResolver resolver() {
        return fake;
    }

    @Override
    public void givenRecords(String name, DnsType type, String... data) {
        fake.answer(name, type, data);
    }

    @Override
    public void givenNoSuchName(String name) {
        everyType(name, DnsStatus.NXDOMAIN);
    }

    @Override
    public void givenNoRecords(String name, DnsType type) {
        fake.status(name, type, DnsStatus.NODATA);
    }

    @Override
    public void givenServerFailure(String name) {
        everyType(name, DnsStatus.FAILED);
    }

    @Override
    public void givenSilence(String name) {
        everyType(name, DnsStatus.TIMEOUT);
    }

    @Override
    public void givenSlowServers(String name, Duration delay) {
        fake.delay(name, delay);
    }

    /** The servers of a name answer alike for every type. */
    private void everyType(String name, DnsStatus status) {
        for (DnsType type : DnsType.values()) {
            fake.status(name, type, status);
        }
    }

    @Test
    void aNameItWasNotToldAboutIsNotAnsweredBeforeTheDeadline() {
        long start = System.nanoTime();
        DnsAnswer answer = resolve("unlisted.fake.test", DnsType.MX, SHORT_DEADLINE);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
        assertThat(millis).isGreaterThanOrEqualTo(SHORT_DEADLINE.toMillis() - 100);
    }

    @Test
    void answersNamesItWasNotToldAboutAsTheTestSays() {
        fake.otherwise(DnsStatus.NXDOMAIN).answer("listed.fake.test", DnsType.A, "192.0.2.1");

        assertThat(resolve("unlisted.fake.test", DnsType.A, DEADLINE).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(resolve("listed.fake.test", DnsType.A, DEADLINE).status()).isEqualTo(DnsStatus.ANSWER);
        assertThat(fake.lookups()).isEqualTo(2);
    }
}
