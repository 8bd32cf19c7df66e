package org.securemail.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.state.DeliveryState;
import org.securemail.delivery.testing.TestMail;
import org.securemail.testing.FreePorts;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.ServiceProcess;

/**
 * A record handed on to a retry tier (its retry record written) but not yet committed when its replica dies is read
 * again by the next owner: it must be skipped, not deferred a second time (ADR 0089). Two retry chains for one
 * recipient are two deliveries later, when both come due at once.
 *
 * <p>The packaged service defers every message (its destination refuses connections), with commits held back (a
 * ten-minute commit interval), so that the kill leaves them all uncommitted; a second process then reads them all
 * again.
 */
class DeliveryHandOverIT {

    private static final int MESSAGES = 120;
    private static final String DOMAIN = "down.handover.test";
    private static final String SKIPPED = "delivery_records_skipped_handled_total";

    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void recordsHandedOnBeforeAKillAreSkippedWhenReadAgain() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start()) {
            // nothing listens there: every attempt fails to connect, and the destination is soon suspended
            TestMail.routeTo(broker, mapper, DOMAIN, FreePorts.next());
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                MailEnvelope envelope = new MailEnvelope("HAND" + i, "sender@origin.test", List.of("r" + i + "@" + DOMAIN),
                        "192.0.2.1", "client.test", null, null, "t1", Direction.INBOUND, Instant.now(), 60);
                records.add(TestMail.record(mapper, Topics.MAIL_READY, envelope, "Subject: hand-over " + i
                        + "\r\n\r\nbody\r\n"));
            }
            TestMail.produceAll(broker, records);
            Map<String, String> config = new HashMap<>(Map.of(
                    "kafka.bootstrap.servers", broker.bootstrapServers(),
                    "delivery.hostname", "handover.test",
                    "delivery.network.allowed-networks", "127.0.0.0/8",
                    "delivery.network.allowed-ports", "1-65535",
                    // retry and park records stay where they are for the whole test
                    "delivery.retry.delays", "1h",
                    "delivery.scheduler.park-delay", "1h",
                    // what the throttled strategy has acknowledged is committed only at this interval (or at a clean
                    // close, which kill -9 prevents)
                    "delivery.mail-consumers.auto.commit.interval.ms", "600000"));
            Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
            Path logs = Path.of("target", "it-logs");
            CrashDiagnostics kafka = new CrashDiagnostics(broker, mapper);

            ServiceProcess first = ServiceProcess.of("delivery-handover-1", jar, logs, config);
            long followUps;
            long events;
            try {
                first.start(Duration.ofSeconds(90));
                // every message handed on: its retry (or park) record acknowledged, then the record marked handled
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> handedOn(broker).size() == MESSAGES);
                followUps = followUps(kafka);
                events = broker.readToEnd(Topics.DELIVERY_EVENTS).size();
            } finally {
                first.kill();
            }
            assertThat(followUps).as("one retry or park record per message").isEqualTo(MESSAGES);
            long committed = kafka.committed("delivery-mail-in");
            long readAgain = MESSAGES - committed;
            System.out.printf("kill -9 with %d of %d handed-on records not committed%n", readAgain, MESSAGES);
            assertThat(readAgain).as("records the next owner reads again").isGreaterThan(MESSAGES / 2);

            try (ServiceProcess second = ServiceProcess.of("delivery-handover-2", jar, logs, config)) {
                second.start(Duration.ofSeconds(90));
                // each record read again is either skipped or handed on a second time (a second retry record)
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> skipped(second) + followUps(kafka) - MESSAGES >= readAgain);
                // the records read again were all skipped, and none made a second retry or park record: the end
                // offsets now are final (the skip acknowledges the record, it writes nothing)
                assertThat(followUps(kafka)).as("retry and park records after the second reading")
                        .isEqualTo(MESSAGES);
                assertThat(skipped(second)).isEqualTo(readAgain);
                assertThat(broker.readToEnd(Topics.DELIVERY_EVENTS)).as("events: none from the second reading")
                        .hasSize((int) events);
            }
        }
    }

    /** The messages whose latest state record names a handled record. */
    private Set<String> handedOn(KafkaBroker broker) throws Exception {
        Map<String, DeliveryState> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : broker.readToEnd(Topics.DELIVERY_STATE)) {
            latest.put(r.key(), mapper.readValue(r.value(), DeliveryState.class));
        }
        Set<String> handed = new HashSet<>();
        latest.forEach((queueId, state) -> {
            if (!state.handled().isEmpty()) {
                handed.add(queueId);
            }
        });
        return handed;
    }

    private static long followUps(CrashDiagnostics kafka) throws Exception {
        long total = kafka.records(Topics.DELIVERY_PARK);
        for (int tier = 1; tier <= Topics.DELIVERY_RETRY_TIERS; tier++) {
            total += kafka.records(Topics.deliveryRetry(tier));
        }
        return total;
    }

    private static long skipped(ServiceProcess service) throws Exception {
        return service.get("/q/metrics").body().lines().filter(l -> l.startsWith(SKIPPED))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
