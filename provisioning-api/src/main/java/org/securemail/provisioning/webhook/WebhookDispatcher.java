package org.securemail.provisioning.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.securemail.common.flow.AdmissionGate;
import org.securemail.common.topics.Topics;
import org.securemail.common.webhook.WebhookDelivery;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.webhook.WebhookEndpoints.Target;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends the queued webhook deliveries (ADR 0078). A delivery waits until it is due (retry tiers) and for one of
 * {@code max-in-flight} send slots, then: its endpoint deleted → dropped; disabled → dead-lettered; already at
 * {@code max-in-flight-per-endpoint} sends → moved to the first retry tier, not counted as an attempt. Otherwise it is
 * signed now ({@link WebhookSignature}) and sent. A 2xx settles it; anything else is recorded on the endpoint and the
 * delivery goes to the retry tier of its attempt, unless the endpoint has now failed for {@code disable-after}: then
 * the endpoint is disabled (with a {@code webhook.disabled} event) and the delivery is dead-lettered on
 * {@code webhooks.deliveries.dlq}. The record is acknowledged only once the next step is on Kafka (or settled), so a
 * crash sends it again: delivery is at least once, and the event id lets receivers drop repeats.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    /** Where retries and dead letters are written (the topic is set per record). */
    public static final String OUT_CHANNEL = "webhooks-out";
    /** Why a delivery was dead-lettered. */
    public static final String REASON_HEADER = "sm-webhook-reason";
    static final String USER_AGENT = "Securemail-Webhooks/1";

    @Inject
    @Channel(OUT_CHANNEL)
    MutinyEmitter<String> out;

    @Inject
    WebhookEndpoints endpoints;

    @Inject
    WebhookSender sender;

    @Inject
    WebhookRetrySchedule schedule;

    @Inject
    WebhookMetrics metrics;

    @Inject
    ProvisioningConfig config;

    @Inject
    ObjectMapper quarkusMapper;

    @Inject
    MeterRegistry registry;

    private ObjectMapper json;
    private AdmissionGate gate;
    /** Sends in progress per endpoint (absent: none). */
    private final Map<UUID, Integer> perEndpoint = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        json = quarkusMapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        gate = new AdmissionGate(config.webhooks().maxInFlight());
        registry.gauge("provisioning.webhooks.in.flight", gate, AdmissionGate::inUse);
    }

    /** Admits one record: returns once it is due and holds a send slot; acknowledges it when it is settled. */
    public Uni<Void> admit(Message<String> message) {
        WebhookDelivery d;
        try {
            d = read(message.getPayload());
        } catch (RuntimeException e) {
            registry.counter("provisioning.webhooks.unreadable").increment();
            LOG.warnf("dead-lettering an unreadable webhook delivery: %s", e.getMessage());
            return Uni.createFrom().completionStage(message.nack(e));
        }
        Uni<Void> due = Uni.createFrom().voidItem();
        if (d.dueAt() != null) {
            long wait = Duration.between(Instant.now(), d.dueAt()).toMillis();
            if (wait >= 1) {
                due = due.onItem().delayIt().by(Duration.ofMillis(wait));
            }
        }
        return due.chain(() -> gate.acquire()).invoke(() -> process(d).subscribe().with(
                done -> {
                    gate.release();
                    message.ack();
                },
                failure -> {
                    gate.release();
                    LOG.errorf(failure, "webhook delivery %s to %s failed unexpectedly; dead-lettered", d.eventId(),
                            d.endpointId());
                    message.nack(failure);
                }));
    }

    Uni<Void> process(WebhookDelivery d) {
        UUID id = UUID.fromString(d.endpointId());
        return patiently(endpoints.target(id)).chain(target -> {
            if (target == null || !target.types().contains(d.eventType())) {
                metrics.dropped(); // the endpoint was deleted after the event was queued
                return Uni.createFrom().voidItem();
            }
            if (!target.enabled()) {
                return deadLetter(d, "the endpoint is disabled");
            }
            if (target.secrets() == null) {
                LOG.errorf("the secret of webhook %s cannot be opened (provisioning.webhooks.secret-key missing or"
                        + " changed); the delivery waits on the first retry tier", id);
                return later(d);
            }
            if (!reserve(id)) {
                metrics.busy();
                return later(d);
            }
            return send(target, d).eventually(() -> release(id)).chain(result -> settle(target, d, result));
        });
    }

    /** One of the endpoint's send slots in this replica, if one is free. */
    private boolean reserve(UUID id) {
        int max = config.webhooks().maxInFlightPerEndpoint();
        boolean[] granted = {false};
        perEndpoint.compute(id, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            granted[0] = true;
            return now + 1;
        });
        return granted[0];
    }

    private void release(UUID id) {
        perEndpoint.computeIfPresent(id, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** At shutdown no new send starts; records not yet acknowledged are read again after the restart. */
    void onStop(@Observes ShutdownEvent event) {
        gate.close();
    }

    private Uni<SendResult> send(Target target, WebhookDelivery d) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put("Securemail-Event-Id", d.eventId());
        headers.put("Securemail-Event-Type", d.eventType());
        headers.put("Securemail-Webhook-Id", d.endpointId());
        headers.put("Securemail-Delivery-Attempt", Integer.toString(d.attempt()));
        headers.put(WebhookSignature.HEADER, WebhookSignature.header(Instant.now(), d.body(), target.secrets()));
        return sender.send(target.url(), headers, d.body());
    }

    private Uni<Void> settle(Target target, WebhookDelivery d, SendResult result) {
        if (result.ok()) {
            metrics.sent();
            return patiently(endpoints.succeeded(target.id()));
        }
        metrics.failed(result.kind());
        LOG.debugf("webhook %s attempt %d of event %s failed: %s", target.id(), d.attempt(), d.eventId(),
                result.detail());
        return patiently(endpoints.failed(target.id(), result.detail())).chain(after -> switch (after) {
            case RETRY -> {
                metrics.retried();
                yield forward(d.next(Instant.now().plus(schedule.delayAfter(d.attempt()))),
                        schedule.topicAfter(d.attempt()), null);
            }
            case DISABLED -> {
                metrics.disabled();
                LOG.infof("webhook %s of tenant %s disabled after failing for %s; last: %s", target.id(),
                        target.tenantId(), config.webhooks().disableAfter(), result.detail());
                yield deadLetter(d, "the endpoint was disabled: every attempt failed for "
                        + config.webhooks().disableAfter() + "; last: " + result.detail());
            }
            case GONE -> deadLetter(d, "the endpoint was disabled or deleted meanwhile");
        });
    }

    /** The same attempt on the first retry tier: nothing was sent, nothing counted. */
    private Uni<Void> later(WebhookDelivery d) {
        return forward(d.later(Instant.now().plus(schedule.delayAfter(1))), schedule.topicAfter(1), null);
    }

    private Uni<Void> deadLetter(WebhookDelivery d, String reason) {
        metrics.deadLettered();
        return forward(d, Topics.dlq(Topics.WEBHOOKS_DELIVERIES), reason);
    }

    /** Writes {@code d} to {@code topic} (keyed by its endpoint) and waits for the broker; retried while it fails. */
    private Uni<Void> forward(WebhookDelivery d, String topic, String reason) {
        String payload;
        try {
            payload = json.writeValueAsString(d);
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        RecordHeaders headers = new RecordHeaders();
        if (reason != null) {
            headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic).withKey(d.endpointId()).withHeaders(headers).build();
        return Uni.createFrom().deferred(() -> out.sendMessage(Message.of(payload).addMetadata(metadata)))
                .onFailure().invoke(e -> LOG.warnf("webhook delivery %s could not be written to %s, retrying: %s",
                        d.eventId(), topic, e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(30)).indefinitely();
    }

    /** A database step, retried with backoff while PostgreSQL fails: the record waits, it is never dead-lettered for it. */
    private static <T> Uni<T> patiently(Uni<T> step) {
        return step.onFailure().invoke(e -> LOG.warnf("webhook bookkeeping failed, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(30)).indefinitely();
    }

    private WebhookDelivery read(String payload) {
        if (payload == null) {
            throw new IllegalArgumentException("no value");
        }
        WebhookDelivery d;
        try {
            d = json.readValue(payload, WebhookDelivery.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a WebhookDelivery: " + e.getMessage());
        }
        if (d == null || d.endpointId() == null || d.eventId() == null || d.eventType() == null || d.body() == null
                || d.attempt() < 1) {
            throw new IllegalArgumentException("a WebhookDelivery without its endpoint, event or body");
        }
        UUID.fromString(d.endpointId()); // IllegalArgumentException when it is not an id
        return d;
    }
}
