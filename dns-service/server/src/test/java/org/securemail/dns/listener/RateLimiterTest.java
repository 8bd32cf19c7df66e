package org.securemail.dns.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.securemail.dns.listener.RateLimiter.Decision;

class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong();

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void aBurstPassesThenQueriesAreDropped() throws Exception {
        RateLimiter limiter = new RateLimiter(10, 3, 0, 100, nanos::get);
        InetAddress source = ip("192.0.2.7");

        assertThat(limiter.admit(source)).isEqualTo(Decision.PASS);
        assertThat(limiter.admit(source)).isEqualTo(Decision.PASS);
        assertThat(limiter.admit(source)).isEqualTo(Decision.PASS);
        assertThat(limiter.admit(source)).isEqualTo(Decision.DROP);
        assertThat(limiter.admit(ip("192.0.2.8"))).as("another source has its own bucket").isEqualTo(Decision.PASS);
    }

    @Test
    void tokensComeBackAtTheRate() throws Exception {
        RateLimiter limiter = new RateLimiter(10, 1, 0, 100, nanos::get);
        InetAddress source = ip("192.0.2.7");
        assertThat(limiter.admit(source)).isEqualTo(Decision.PASS);
        assertThat(limiter.admit(source)).isEqualTo(Decision.DROP);

        nanos.addAndGet(100_000_000); // 0.1 s at 10/s: one token

        assertThat(limiter.admit(source)).isEqualTo(Decision.PASS);
        assertThat(limiter.admit(source)).isEqualTo(Decision.DROP);
    }

    @Test
    void everySlipthLimitedQueryGetsATruncatedReply() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 1, 2, 100, nanos::get);
        InetAddress source = ip("192.0.2.7");
        limiter.admit(source);

        assertThat(limiter.admit(source)).isEqualTo(Decision.DROP);
        assertThat(limiter.admit(source)).isEqualTo(Decision.SLIP);
        assertThat(limiter.admit(source)).isEqualTo(Decision.DROP);
        assertThat(limiter.admit(source)).isEqualTo(Decision.SLIP);
    }

    @Test
    void ipv6SourcesShareABucketPerSlash64() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 1, 0, 100, nanos::get);
        assertThat(limiter.admit(ip("2001:db8:1:2::1"))).isEqualTo(Decision.PASS);
        assertThat(limiter.admit(ip("2001:db8:1:2::ffff"))).isEqualTo(Decision.DROP);
        assertThat(limiter.admit(ip("2001:db8:1:3::1"))).isEqualTo(Decision.PASS);
    }

    @Test
    void remembersAtMostMaxSources() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 1, 0, 50, nanos::get);
        for (int i = 0; i < 1000; i++) {
            limiter.admit(ip("10.0." + (i / 250) + "." + (i % 250)));
        }
        assertThat(limiter.sources()).isEqualTo(50);
    }

    @Test
    void aRateOfZeroTurnsItOff() throws Exception {
        RateLimiter limiter = new RateLimiter(0, 1, 0, 10, nanos::get);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.admit(ip("192.0.2.7"))).isEqualTo(Decision.PASS);
        }
    }
}
