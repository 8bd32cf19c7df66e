package org.securemail.ingest.relay;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.securemail.common.kafka.CompactedTopicReader;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.provisioning.SuppressionRecord;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.config.IngestConfig;

/**
 * Reads the compacted {@code provisioning.domains}, {@code provisioning.users}, {@code provisioning.recipients} and
 * {@code provisioning.suppressions} topics from the beginning into {@link ProvisioningState} and keeps following them, with the suite's one
 * {@link CompactedTopicReader}. The state is marked caught up once every partition was read up to the end offset
 * seen at start-up; readiness waits for that. A record that cannot be parsed is counted and skipped.
 */
@ApplicationScoped
public class ProvisioningReader {

    private static final Logger LOG = Logger.getLogger(ProvisioningReader.class);
    static final List<String> TOPICS = List.of(Topics.PROVISIONING_DOMAINS, Topics.PROVISIONING_USERS,
            Topics.PROVISIONING_RECIPIENTS, Topics.PROVISIONING_SUPPRESSIONS);

    private final ProvisioningState state;
    private final ObjectMapper json;
    private final CompactedTopicReader reader;
    private final int maxSuppressions;
    private final Counter suppressionsDropped;

    ProvisioningReader(ProvisioningState state, ObjectMapper json, IngestConfig config, MeterRegistry registry,
            KafkaClientSettings kafka) {
        this.state = state;
        this.json = json;
        this.maxSuppressions = config.provisioning().maxSuppressions();
        this.suppressionsDropped = Counter.builder("ingest.suppressions.dropped")
                .description("suppressed addresses not held because ingest.provisioning.max-suppressions was reached")
                .register(registry);
        Gauge.builder("ingest.suppressions.entries", state, ProvisioningState::suppressionCount)
                .description("suppressed addresses held in memory").register(registry);
        Counter poison = Counter.builder("ingest.provisioning.unreadable")
                .description("provisioning records that could not be parsed and were skipped")
                .register(registry);
        this.reader = CompactedTopicReader.builder(kafka, "provisioning-reader", TOPICS.toArray(String[]::new))
                .sink(this::apply)
                .onUnreadable((record, cause) -> poison.increment())
                .pollTimeout(config.provisioning().pollTimeout())
                .build();
    }

    void start(@Observes StartupEvent ev) {
        reader.caughtUp().thenRun(() -> {
            state.markCaughtUp();
            LOG.infof("provisioning state loaded: %d domains, %d users, %d recipients, %d suppressions",
                    state.domainCount(), state.userCount(), state.recipientCount(), state.suppressionCount());
        });
        reader.start();
    }

    void stop(@Observes ShutdownEvent ev) {
        reader.close();
    }

    void apply(ConsumerRecord<String, byte[]> r) throws java.io.IOException {
        byte[] v = r.value();
        switch (r.topic()) {
            case Topics.PROVISIONING_DOMAINS ->
                    state.putDomain(r.key(), v == null ? null : json.readValue(v, DomainRecord.class));
            case Topics.PROVISIONING_USERS ->
                    state.putUser(r.key(), v == null ? null : json.readValue(v, SmtpUserRecord.class));
            case Topics.PROVISIONING_RECIPIENTS ->
                    state.putRecipient(r.key(), v == null ? null : json.readValue(v, RecipientRecord.class));
            case Topics.PROVISIONING_SUPPRESSIONS -> suppression(r.key(),
                    v == null ? null : json.readValue(v, SuppressionRecord.class));
            default -> throw new IllegalStateException("unexpected topic " + r.topic());
        }
    }

    private void suppression(String key, SuppressionRecord record) {
        if (record != null && (record.tenantId() == null || record.address() == null)) {
            throw new IllegalArgumentException("suppression record without tenant or address");
        }
        if (!state.putSuppression(key, record, maxSuppressions)) {
            suppressionsDropped.increment();
            LOG.warnf("suppression %s not held: ingest.provisioning.max-suppressions (%d) reached", key, maxSuppressions);
        }
    }
}
