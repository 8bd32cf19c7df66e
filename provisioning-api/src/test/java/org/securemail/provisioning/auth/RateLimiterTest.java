package org.securemail.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong clock = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(2, 3, clock::get);

    @Test
    void aBurstThenTheSustainedRateWithTheWaitToRetry() {
        assertThat(limiter.acquire("k")).isZero();
        assertThat(limiter.acquire("k")).isZero();
        assertThat(limiter.acquire("k")).isZero();
        assertThat(limiter.acquire("k")).isEqualTo(1);

        clock.addAndGet(500_000_000L); // half a second: one token at 2/s
        assertThat(limiter.acquire("k")).isZero();
        assertThat(limiter.acquire("k")).isPositive();
    }

    @Test
    void keysDoNotShareABucket() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("busy");
        }
        assertThat(limiter.acquire("busy")).isPositive();
        assertThat(limiter.acquire("quiet")).isZero();
    }

    @Test
    void aLongPauseRefillsOnlyUpToTheBurst() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("k");
        }
        clock.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("k")).isZero();
        }
        assertThat(limiter.acquire("k")).isPositive();
    }

    @Test
    void manyKeysInUseCostOneScanASecondNotOnePerRequest() {
        int keys = RateLimiter.SWEEP_ABOVE + 500;
        for (int i = 0; i < keys; i++) {
            limiter.acquire("key-" + i); // each bucket below its burst: nothing can be dropped
        }
        long scans = limiter.sweeps();
        assertThat(scans).as("one scan once the table passed the threshold").isEqualTo(1);
        for (int i = 0; i < 5_000; i++) {
            limiter.acquire("key-" + (i % keys));
        }
        assertThat(limiter.sweeps()).as("no further scan within the same second").isEqualTo(scans);
        assertThat(limiter.tracked()).isEqualTo(keys);

        clock.addAndGet(RateLimiter.SWEEP_INTERVAL_NANOS * 10); // every bucket is full again
        limiter.acquire("fresh");
        assertThat(limiter.sweeps()).isEqualTo(scans + 1);
        assertThat(limiter.tracked()).as("the full buckets were dropped, the fresh one kept").isEqualTo(1);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new RateLimiter(0, 3, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(1, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
