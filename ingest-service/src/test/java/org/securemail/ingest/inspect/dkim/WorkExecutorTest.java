package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;

/** Hashing and crypto run on the executor given to the verifier, never on the thread that answered the DNS query. */
class WorkExecutorTest {

    private final byte[] message = Fixtures.bytes("real/dkimpy-two-signatures.eml");

    @Test
    void verificationWorkRunsOnTheGivenExecutor() {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "dkim-work"));
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Executor recording = task -> pool.execute(() -> {
            threads.add(Thread.currentThread().getName());
            task.run();
        });
        try {
            List<DkimSignatureResult> results = new DkimVerifier(Fixtures.realKeys(), DkimLimits.defaults(),
                    Fixtures.clockAfterSigning(message), recording).verify(message)
                    .await().atMost(Duration.ofSeconds(10));

            assertThat(results).extracting(DkimSignatureResult::result).containsOnly(DkimResult.PASS);
            assertThat(threads).containsExactly("dkim-work");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusedWorkIsTemperror() {
        Executor full = task -> {
            throw new RejectedExecutionException("full");
        };

        List<DkimSignatureResult> results = new DkimVerifier(Fixtures.realKeys(), DkimLimits.defaults(),
                Fixtures.clockAfterSigning(message), full).verify(message).await().atMost(Duration.ofSeconds(10));

        assertThat(results).extracting(DkimSignatureResult::result).containsOnly(DkimResult.TEMPERROR);
    }
}
