package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** Key lookups through the DNS port (RFC 6376 §3.6.2, §6.1.2). */
class KeyLookupTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
    private static final String MESSAGE = TestSigner.sign(Fixtures.crlf("""
            From: Alice <alice@example.org>
            Subject: Keys

            Body.
            """), "rsa2048", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=rsa2048; h=from:subject");
    private static final String NAME = "rsa2048._domainkey.example.org";

    @Test
    void keyIsLookedUpAsTxtAtSelectorDomainkeyDomain() {
        FakeDnsResolver dns = Fixtures.realKeys();

        assertThat(verify(MESSAGE, dns, DkimLimits.defaults()).get(0).result()).isEqualTo(DkimResult.PASS);
        assertThat(dns.lookups()).isEqualTo(1);
    }

    @Test
    void temporaryDnsFailureIsTemperror() {
        for (DnsStatus status : List.of(DnsStatus.FAILED, DnsStatus.BUSY)) {
            FakeDnsResolver dns = new FakeDnsResolver().status(NAME, DnsType.TXT, status);

            DkimSignatureResult result = verify(MESSAGE, dns, DkimLimits.defaults()).get(0);

            assertThat(result.result()).as(status.name()).isEqualTo(DkimResult.TEMPERROR);
        }
    }

    @Test
    void silentDnsIsTemperrorAtTheDeadline() {
        FakeDnsResolver dns = new FakeDnsResolver();

        DkimSignatureResult result = verify(MESSAGE, dns,
                DkimLimits.defaults().withKeyLookupDeadline(Duration.ofMillis(50))).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.TEMPERROR);
        assertThat(result.reason()).contains("timeout");
    }

    @Test
    void nonexistentKeyIsPermerrorNoKey() {
        for (DnsStatus status : List.of(DnsStatus.NXDOMAIN, DnsStatus.NODATA)) {
            FakeDnsResolver dns = new FakeDnsResolver().status(NAME, DnsType.TXT, status);

            DkimSignatureResult result = verify(MESSAGE, dns, DkimLimits.defaults()).get(0);

            assertThat(result.result()).as(status.name()).isEqualTo(DkimResult.PERMERROR);
            assertThat(result.reason()).contains("no key");
        }
    }

    @Test
    void staleKeyIsStillUsed() {
        FakeDnsResolver dns = new FakeDnsResolver().put(new DnsAnswer(NAME, DnsType.TXT, DnsStatus.STALE,
                List.of(new DnsRecordData(NAME, DnsType.TXT, 0, Fixtures.keyRecord("rsa2048"))), 900, null));

        assertThat(verify(MESSAGE, dns, DkimLimits.defaults()).get(0).result()).isEqualTo(DkimResult.PASS);
    }

    @Test
    void keysOfSeveralSignaturesAreLookedUpConcurrently() {
        String twice = TestSigner.sign(MESSAGE, "ed25519",
                "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=ed25519; h=from:subject");
        BarrierResolver dns = new BarrierResolver(Fixtures.realKeys(), 2);

        List<DkimSignatureResult> results = verify(twice, dns, DkimLimits.defaults());

        assertThat(results).extracting(DkimSignatureResult::result).containsExactly(DkimResult.PASS, DkimResult.PASS);
    }

    @Test
    void noLookupForASignatureThatIsInvalidOnItsFace() {
        FakeDnsResolver dns = Fixtures.realKeys();
        String expired = TestSigner.sign(MESSAGE, "rsa2048",
                "v=1; a=rsa-sha256; d=example.org; s=rsa2048; t=1; x=2; h=from");

        DkimSignatureResult result = verify(expired, dns, DkimLimits.defaults()).get(0);

        assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(dns.lookups()).isEqualTo(1); // only the second, valid signature below it
    }

    private static List<DkimSignatureResult> verify(String message, DnsResolver dns, DkimLimits limits) {
        return new DkimVerifier(dns, limits, CLOCK).verify(Fixtures.latin1(message))
                .await().atMost(Duration.ofSeconds(10));
    }

    /**
     * Answers nothing until {@code parties} lookups have started, then all at once: a verifier that waited for one
     * lookup before starting the next would never see an answer and end in temperror at the deadline.
     */
    private static final class BarrierResolver implements DnsResolver {
        private final DnsResolver delegate;
        private final int parties;
        private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

        BarrierResolver(DnsResolver delegate, int parties) {
            this.delegate = delegate;
            this.parties = parties;
        }

        @Override
        public synchronized Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            waiting.add(gate);
            if (waiting.size() >= parties) {
                waiting.forEach(g -> g.complete(null));
            }
            return Uni.createFrom().completionStage(gate)
                    .onItem().transformToUni(ignored -> delegate.resolve(name, type, deadline))
                    .ifNoItem().after(deadline).recoverWithItem(DnsAnswer.timeout(name, type, "barrier"));
        }
    }
}
