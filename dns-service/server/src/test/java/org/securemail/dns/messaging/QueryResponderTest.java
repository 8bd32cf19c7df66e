package org.securemail.dns.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.Topics;
import org.securemail.testing.dns.InjectTestDnsServer;
import org.securemail.testing.dns.TestDnsServer;
import org.securemail.testing.dns.TestDnsServerResource;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.Management;

/**
 * The Kafka side against a real broker: the request/reply wire protocol a {@code KafkaRequestReply} requester uses,
 * the publication of cache changes to {@code dns.cache}, and poison requests to the DLQ.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestDnsServerResource.class, restrictToAnnotatedClass = true)
class QueryResponderTest {

    @InjectKafkaBroker
    KafkaBroker broker;

    @InjectTestDnsServer
    TestDnsServer dns;

    @Test
    void answersOnTheReplyTopicWithTheRequestersCorrelationId() {
        dns.zone("kafka-a.test");
        dns.record("kafka-a.test", "MX", "5 mx.kafka-a.test.");
        String query = "{\"name\":\"kafka-a.test\",\"type\":\"MX\",\"deadlineMillis\":" + (System.currentTimeMillis() + 60_000) + "}";

        broker.send(Topics.DNS_QUERIES, "kafka-a.test", query.getBytes(StandardCharsets.UTF_8), Map.of(
                "REPLY_CORRELATION_ID", "corr-1".getBytes(StandardCharsets.UTF_8),
                "REPLY_TOPIC", Topics.DNS_QUERIES_REPLIES.getBytes(StandardCharsets.UTF_8)));

        ConsumerRecord<String, byte[]> reply = awaitReply("corr-1");
        String body = new String(reply.value(), StandardCharsets.UTF_8);
        assertThat(body).contains("\"status\":\"ANSWER\"").contains("5 mx.kafka-a.test");
        // where a lookup waits: in Kafka before it is read, then in the service until its answer
        assertThat(RestAssured.get(Management.url("metrics")).asString())
                .contains("dns_queries_wait_seconds_count").contains("dns_queries_answer_seconds_count");
    }

    @Test
    void takesItsShareOfTheUpstreamCapsFromItsDnsQueriesPartitions() {
        int partitions = Topics.all().stream().filter(t -> t.name().equals(Topics.DNS_QUERIES)).findFirst()
                .orElseThrow().partitions();
        // alone in the group: every partition, the whole cap (before the first assignment the gauges read 1 of 1)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                RestAssured.get(Management.url("metrics")).asString())
                .contains("dns_queries_partitions_total " + (double) partitions)
                .contains("dns_queries_partitions_assigned " + (double) partitions));
    }

    @Test
    void publishesEveryCacheChangeToTheCompactedCacheTopic() {
        dns.zone("kafka-b.test");
        RestAssured.get("/dns/A/www.kafka-b.test").then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                broker.read(Topics.DNS_CACHE, 100, Duration.ofSeconds(2)))
                .extracting(ConsumerRecord::key).contains("A/www.kafka-b.test"));
    }

    @Test
    void sendsAPoisonRequestToTheDeadLetterTopic() {
        broker.send(Topics.DNS_QUERIES, "poison.test", "not json".getBytes(StandardCharsets.UTF_8), Map.of());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                broker.read(Topics.dlq(Topics.DNS_QUERIES), 1, Duration.ofSeconds(2)))
                .extracting(ConsumerRecord::key).contains("poison.test"));
    }

    private ConsumerRecord<String, byte[]> awaitReply(String correlationId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<ConsumerRecord<String, byte[]>> replies = broker.read(Topics.DNS_QUERIES_REPLIES, 100, Duration.ofSeconds(2));
            return replies.stream().filter(r -> {
                Header header = r.headers().lastHeader("REPLY_CORRELATION_ID");
                return header != null && new String(header.value(), StandardCharsets.UTF_8).equals(correlationId);
            }).findFirst().orElse(null);
        }, r -> r != null);
    }
}
