package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class WebhookRetryScheduleTest {

    private final WebhookRetrySchedule schedule = new WebhookRetrySchedule(List.of(Duration.ofSeconds(10),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2)));

    @Test
    void eachFailedAttemptWaitsLongerOnItsOwnTierAndTheLastRepeats() {
        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(schedule.topicAfter(1)).isEqualTo("webhooks.retry.1");
        assertThat(schedule.delayAfter(3)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.topicAfter(3)).isEqualTo("webhooks.retry.3");
        assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofHours(2));
        assertThat(schedule.delayAfter(40)).isEqualTo(Duration.ofHours(2));
        assertThat(schedule.topicAfter(40)).isEqualTo("webhooks.retry.5");
    }

    @Test
    void fewerDelaysUseFewerTiers() {
        WebhookRetrySchedule two = new WebhookRetrySchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertThat(two.topicAfter(7)).isEqualTo("webhooks.retry.2");
        assertThat(two.delayAfter(7)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void noDelayOrMoreDelaysThanTiersStopTheStart() {
        assertThatThrownBy(() -> new WebhookRetrySchedule(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookRetrySchedule(Collections.nCopies(6, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
