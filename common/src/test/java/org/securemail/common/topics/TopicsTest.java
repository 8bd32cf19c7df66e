package org.securemail.common.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void topicNamesAreUnique() {
        List<String> names = Topics.all().stream().map(TopicSpec::name).toList();
        assertThat(names).doesNotHaveDuplicates();
    }

    @Test
    void everyConsumedMainTopicHasADeadLetterTopic() {
        Set<String> names = Topics.all().stream().map(TopicSpec::name).collect(Collectors.toSet());
        for (String topic : List.of(Topics.MAIL_ACCEPTED, Topics.MAIL_READY, Topics.DELIVERY_EVENTS, Topics.DNS_QUERIES)) {
            assertThat(names).contains(Topics.dlq(topic));
        }
    }

    @Test
    void webhookDeliveriesHaveRetryTiersAndOneDeadLetterTopicAndOutliveTheDisableDelay() {
        Set<String> names = Topics.all().stream().map(TopicSpec::name).collect(Collectors.toSet());
        assertThat(names).contains(Topics.WEBHOOKS_DELIVERIES, Topics.dlq(Topics.WEBHOOKS_DELIVERIES));
        for (int tier = 1; tier <= Topics.WEBHOOKS_RETRY_TIERS; tier++) {
            assertThat(names).contains("webhooks.retry." + tier);
            assertThat(names).doesNotContain(Topics.dlq(Topics.webhooksRetry(tier))); // one dead-letter topic for all
        }
        // a delivery is retried until its endpoint has failed for 24 h (the default), then dead-lettered
        long day = 24L * 3600 * 1000;
        assertThat(spec(Topics.WEBHOOKS_DELIVERIES).retentionMs()).isGreaterThan(day);
        assertThat(spec(Topics.webhooksRetry(Topics.WEBHOOKS_RETRY_TIERS)).retentionMs()).isGreaterThan(day);
        assertThat(spec(Topics.WEBHOOKS_DELIVERIES).configs()).containsEntry("cleanup.policy", "delete");
    }

    @Test
    void stateTopicsAreCompactedAndKeptForever() {
        for (String topic : List.of(Topics.DNS_CACHE, Topics.PROVISIONING_DOMAINS, Topics.PROVISIONING_USERS,
                Topics.PROVISIONING_RECIPIENTS, Topics.PROVISIONING_SUPPRESSIONS)) {
            TopicSpec spec = spec(topic);
            assertThat(spec.configs()).containsEntry("cleanup.policy", "compact");
        }
    }

    @Test
    void deliveryStateIsCompactedAndDeletedAfterTheDeliveryLifetime() {
        TopicSpec spec = spec(Topics.DELIVERY_STATE);
        assertThat(spec.configs()).containsEntry("cleanup.policy", "compact,delete");
        // at least the default delivery lifetime of 5 days
        assertThat(spec.retentionMs()).isGreaterThanOrEqualTo(5L * 24 * 3600 * 1000);
    }

    @Test
    void rejectsDeleteAfterRetentionWithoutCompactionOrRetention() {
        assertThatThrownBy(() -> new TopicSpec("x", 1, false, 1, 1000, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TopicSpec("x", 1, true, 1, -1, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mailTopicsTakeA25MebibyteMessage() {
        int message = 25 * 1024 * 1024;
        assertThat(spec(Topics.MAIL_ACCEPTED).maxMessageBytes()).isGreaterThan(message);
        assertThat(spec(Topics.MAIL_READY).maxMessageBytes()).isGreaterThan(message);
        assertThat(spec(Topics.dlq(Topics.MAIL_ACCEPTED)).maxMessageBytes()).isGreaterThan(message);
    }

    @Test
    void rejectsASpecWithoutPartitions() {
        assertThatThrownBy(() -> new TopicSpec("x", 0, false, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static TopicSpec spec(String name) {
        return Topics.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
