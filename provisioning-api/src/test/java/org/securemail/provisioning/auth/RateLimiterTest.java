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
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new RateLimiter(0, 3, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(1, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
