package org.securemail.provisioning.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.config.ProvisioningConfig;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The console's queue view (ADR 0087). Lag per consumer group and topic from Kafka (committed offsets against end
 * offsets, through the Admin client); deferred mail by destination and by reason, and the oldest message still
 * waiting, from the tracking tables (fed by {@code mail.accepted} and {@code delivery.events}): they already hold each
 * recipient's state and last reply, indexed, so the view reads no mail topic.
 */
@ApplicationScoped
public class ConsoleQueues {

    /** Most consumer groups and rows shown: the view is for people, and a bound on what one request costs. */
    static final int MAX_GROUPS = 200;
    static final int MAX_ROWS = 50;

    @Inject
    KafkaClientSettings kafka;

    @Inject
    ProvisioningConfig config;

    @Inject
    Pool pool;

    private volatile Admin admin;

    public record Lag(String group, String topic, String stage, int partitions, long lag) {
    }

    public record Deferred(String destination, long recipients, Instant oldest) {
    }

    public record Reason(String reason, long recipients) {
    }

    /** The oldest message with a recipient still queued or deferred (quarantined mail is in its own view). */
    public record Oldest(Instant receivedAt, Long ageSeconds, long messages) {
    }

    /** {@code lagError} says why lag is missing (Kafka unreachable within the deadline); the rest still shows. */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(example = "{\"at\": \"2026-12-07T16:50:33Z\", \"lag\": [{\"group\": \"delivery-mail-in\", \"topic\": \"mail.ready\", \"stage\": \"delivery\", \"partitions\": 6, \"lag\": 120}], \"lagError\": null, \"deferredByDestination\": [{\"destination\": \"hosted.example\", \"recipients\": 80, \"oldest\": \"2026-12-07T16:41:02Z\"}], \"deferredByReason\": [{\"reason\": \"4.4.3 DNS lookup failed\", \"recipients\": 80}], \"oldest\": {\"receivedAt\": \"2026-12-07T16:41:02Z\", \"ageSeconds\": 571, \"messages\": 80}}")
    public record QueuesView(Instant at, List<Lag> lag, String lagError, List<Deferred> deferredByDestination,
            List<Reason> deferredByReason, Oldest oldest) {
    }

    private static final String DEFERRED_BY_DESTINATION = """
            SELECT lower(split_part(r.recipient, '@', 2)) AS destination, count(*) AS recipients, min(m.received_at) AS oldest
            FROM tracked_recipient r JOIN tracked_message m ON m.queue_id = r.queue_id
            WHERE r.status = 'DEFERRED' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT %d""".formatted(MAX_ROWS);

    /** The last attempt's reply of each deferred recipient, cut to its enhanced status code and first words. */
    private static final String DEFERRED_BY_REASON = """
            SELECT reason, count(*) AS recipients FROM (
              SELECT DISTINCT ON (a.queue_id, a.recipient)
                     coalesce(substring(a.reply from '[245]\\.[0-9]{1,3}\\.[0-9]{1,3}[^\\r\\n]{0,72}'), left(a.reply, 80), 'unknown') AS reason
              FROM tracked_recipient r JOIN tracked_attempt a ON a.queue_id = r.queue_id AND a.recipient = r.recipient
              WHERE r.status = 'DEFERRED'
              ORDER BY a.queue_id, a.recipient, a.attempt DESC, a.at DESC) last
            GROUP BY reason ORDER BY 2 DESC, 1 LIMIT %d""".formatted(MAX_ROWS);

    private static final String OLDEST = """
            SELECT min(m.received_at) AS oldest, count(DISTINCT m.queue_id) AS messages
            FROM tracked_recipient r JOIN tracked_message m ON m.queue_id = r.queue_id
            WHERE r.status IN ('QUEUED', 'DEFERRED')
              AND NOT EXISTS (SELECT 1 FROM tracked_inspection i WHERE i.queue_id = r.queue_id AND i.action <> 'DELIVER')""";

    public Uni<QueuesView> view() {
        Uni<Object[]> lag = Uni.createFrom().item(this::lagOrError).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        Uni<List<Deferred>> byDestination = pool.query(DEFERRED_BY_DESTINATION).execute().map(rows -> {
            List<Deferred> out = new ArrayList<>();
            for (Row row : rows) {
                out.add(new Deferred(row.getString("destination"), row.getLong("recipients"), instant(row, "oldest")));
            }
            return out;
        });
        Uni<List<Reason>> byReason = pool.query(DEFERRED_BY_REASON).execute().map(rows -> {
            List<Reason> out = new ArrayList<>();
            for (Row row : rows) {
                out.add(new Reason(row.getString("reason"), row.getLong("recipients")));
            }
            return out;
        });
        Uni<Oldest> oldest = pool.query(OLDEST).execute().map(rows -> {
            Row row = rows.iterator().next();
            Instant at = instant(row, "oldest");
            return new Oldest(at, at == null ? null : Duration.between(at, Instant.now()).toSeconds(), row.getLong("messages"));
        });
        return Uni.combine().all().unis(lag, byDestination, byReason, oldest).with((l, d, r, o) -> {
            @SuppressWarnings("unchecked")
            List<Lag> lags = (List<Lag>) l[0];
            return new QueuesView(Instant.now(), lags, (String) l[1], d, r, o);
        });
    }

    private Object[] lagOrError() {
        try {
            return new Object[] { lag(), null };
        } catch (TimeoutException e) {
            return new Object[] { List.of(), "Kafka did not answer within " + config.console().timeout().toMillis() + " ms" };
        } catch (ExecutionException e) {
            return new Object[] { List.of(), "Kafka: " + e.getCause().getMessage() };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Object[] { List.of(), "interrupted" };
        }
    }

    /** Lag of every consumer group (up to {@link #MAX_GROUPS}) per topic, the largest first. */
    List<Lag> lag() throws InterruptedException, ExecutionException, TimeoutException {
        long timeout = config.console().timeout().toMillis();
        Admin client = admin();
        List<String> groups = client.listConsumerGroups().all().get(timeout, TimeUnit.MILLISECONDS).stream()
                .map(ConsumerGroupListing::groupId).sorted().limit(MAX_GROUPS).toList();
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = client.listConsumerGroupOffsets(specs).all()
                .get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        committed.values().forEach(offsets -> offsets.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        client.listOffsets(wanted).all().get(timeout, TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        List<Lag> lags = new ArrayList<>();
        committed.forEach((group, offsets) -> {
            Map<String, long[]> byTopic = new TreeMap<>();
            offsets.forEach((tp, offset) -> {
                if (offset == null || !ends.containsKey(tp)) {
                    return;
                }
                long[] sum = byTopic.computeIfAbsent(tp.topic(), t -> new long[2]);
                sum[0]++;
                sum[1] += Math.max(0, ends.get(tp) - offset.offset());
            });
            byTopic.forEach((topic, sum) -> lags.add(new Lag(group, topic, stage(topic), (int) sum[0], sum[1])));
        });
        lags.sort(Comparator.comparingLong(Lag::lag).reversed().thenComparing(Lag::group).thenComparing(Lag::topic));
        return lags.size() > MAX_GROUPS ? lags.subList(0, MAX_GROUPS) : lags;
    }

    /** The stage that reads a topic, as an operator names it. */
    static String stage(String topic) {
        if (topic.endsWith(Topics.DLQ_SUFFIX)) {
            return "dead letters";
        }
        if (topic.startsWith(Topics.DELIVERY_RETRY_PREFIX)) {
            return "delivery retry tier " + topic.substring(Topics.DELIVERY_RETRY_PREFIX.length());
        }
        if (topic.equals(Topics.DNS_QUERIES_REPLIES)) {
            return "DNS answers to a service";
        }
        if (topic.startsWith(Topics.WEBHOOKS_RETRY_PREFIX)) {
            return "webhook retry tier " + topic.substring(Topics.WEBHOOKS_RETRY_PREFIX.length());
        }
        return switch (topic) {
            case Topics.MAIL_ACCEPTED -> "inspection";
            case Topics.INSPECT_PARK -> "inspection, parked for DNS";
            case Topics.MAIL_READY -> "delivery";
            case Topics.DELIVERY_PARK -> "delivery, waiting for a destination slot";
            case Topics.MAIL_QUARANTINE -> "quarantine index";
            case Topics.DELIVERY_EVENTS -> "tracking and webhooks";
            case Topics.DNS_QUERIES -> "DNS service";
            case Topics.WEBHOOKS_DELIVERIES -> "webhooks";
            default -> topic;
        };
    }

    private static Instant instant(Row row, String column) {
        java.time.OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                a = admin;
                if (a == null) {
                    a = Admin.create(kafka.admin("console"));
                    admin = a;
                }
            }
        }
        return a;
    }

    @PreDestroy
    void close() {
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(2));
        }
    }
}
