package org.securemail.ingest.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.config.IngestConfig;

/**
 * Reads the compacted {@code provisioning.domains}, {@code provisioning.users} and {@code provisioning.recipients}
 * topics from the beginning into {@link ProvisioningState}, and keeps following them.
 *
 * <p>Manual partition assignment, no consumer group and no commits: every replica holds the whole state, and a
 * restart re-reads the compacted topics. The state is marked caught up once every partition was read up to the end
 * offset seen at start-up; readiness waits for that. A record that cannot be parsed is counted and skipped (the
 * compacted topic has no DLQ: the next version of the key replaces it).
 */
@ApplicationScoped
public class ProvisioningReader {

    private static final Logger LOG = Logger.getLogger(ProvisioningReader.class);
    static final List<String> TOPICS =
            List.of(Topics.PROVISIONING_DOMAINS, Topics.PROVISIONING_USERS, Topics.PROVISIONING_RECIPIENTS);

    private final ProvisioningState state;
    private final ObjectMapper json;
    private final IngestConfig config;
    private final String defaultBootstrap;
    private final Counter poison;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    ProvisioningReader(ProvisioningState state, ObjectMapper json, IngestConfig config, MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String defaultBootstrap) {
        this.state = state;
        this.json = json;
        this.config = config;
        this.defaultBootstrap = defaultBootstrap;
        this.poison = Counter.builder("ingest.provisioning.unreadable")
                .description("provisioning records that could not be parsed and were skipped")
                .register(registry);
    }

    void start(@Observes StartupEvent ev) {
        thread = new Thread(this::run, "ingest-provisioning-reader");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(5000);
        }
    }

    private void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.provisioning().bootstrapServers().orElse(defaultBootstrap));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-provisioning-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        while (running) {
            try (KafkaConsumer<String, byte[]> c =
                    new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("provisioning reader failed, retrying in 1 s: %s", e.toString());
                try {
                    Thread.sleep(1000); // back-off between reconnect attempts of a background thread
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void follow(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions (not created?)");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(10)));
        LOG.infof("reading provisioning topics %s up to %s", TOPICS, ends);
        while (running) {
            for (ConsumerRecord<String, byte[]> r : c.poll(config.provisioning().pollTimeout())) {
                apply(r);
            }
            if (!state.caughtUp()) {
                ends.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (ends.isEmpty()) {
                    state.markCaughtUp();
                    LOG.infof("provisioning state loaded: %d domains, %d users, %d recipients",
                            state.domainCount(), state.userCount(), state.recipientCount());
                }
            }
        }
    }

    void apply(ConsumerRecord<String, byte[]> r) {
        try {
            byte[] v = r.value();
            switch (r.topic()) {
                case Topics.PROVISIONING_DOMAINS ->
                        state.putDomain(r.key(), v == null ? null : json.readValue(v, DomainRecord.class));
                case Topics.PROVISIONING_USERS ->
                        state.putUser(r.key(), v == null ? null : json.readValue(v, SmtpUserRecord.class));
                case Topics.PROVISIONING_RECIPIENTS ->
                        state.putRecipient(r.key(), v == null ? null : json.readValue(v, RecipientRecord.class));
                default -> throw new IllegalStateException("unexpected topic " + r.topic());
            }
        } catch (Exception e) {
            poison.increment();
            LOG.warnf("skipping unreadable record %s-%d@%d key=%s: %s", r.topic(), r.partition(), r.offset(),
                    r.key(), e.getMessage());
        }
    }
}
