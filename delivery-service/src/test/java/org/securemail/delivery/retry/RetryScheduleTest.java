package org.securemail.delivery.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofMinutes(60)), Duration.ofDays(5));

    @Test
    void doublesFromFiveMinutesToAnHourAndStaysThere() {
        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofMinutes(60));
        assertThat(schedule.delayAfter(40)).isEqualTo(Duration.ofMinutes(60));
    }

    @Test
    void eachDelayHasItsOwnTierTopic() {
        assertThat(schedule.topicAfter(1)).isEqualTo("delivery.retry.1");
        assertThat(schedule.topicAfter(3)).isEqualTo("delivery.retry.3");
        assertThat(schedule.topicAfter(9)).isEqualTo("delivery.retry.5");
    }

    @Test
    void theLastAttemptIsAtTheExpiry() {
        Instant received = Instant.parse("2026-11-01T00:00:00Z");
        Instant now = received.plus(Duration.ofDays(5)).minus(Duration.ofMinutes(1));

        assertThat(schedule.nextAttempt(30, received, now)).isEqualTo(received.plus(Duration.ofDays(5)));
        assertThat(schedule.expired(received, now)).isFalse();
        assertThat(schedule.expired(received, received.plus(Duration.ofDays(5)))).isTrue();
    }
}
