package org.securemail.delivery.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import org.securemail.common.kafka.CompactedTopicReader;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.queue.QueueCommand;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.control.QueueControls;
import org.securemail.delivery.routing.DomainRoutes;
import org.securemail.delivery.state.RecipientStateStore;

/**
 * The in-memory tables read from compacted topics: provisioned routes ({@code provisioning.domains}), final
 * recipient state ({@code delivery.state}) and the operators' commands ({@code delivery.control}, ADR 0084). Mail is
 * not consumed before all three are loaded (a hold survives a restart).
 */
@ApplicationScoped
public class DeliveryTables {

    @Inject
    KafkaClientSettings kafka;

    @Inject
    ObjectMapper mapper;

    @Inject
    RecipientStateStore state;

    private final DomainRoutes routes = new DomainRoutes();
    private CompactedTopicReader domainReader;
    private CompactedTopicReader stateReader;
    private CompactedTopicReader controlReader;
    private volatile java.util.function.Consumer<String> retryListener = domain -> {
    };
    private final QueueControls controls = new QueueControls(domain -> retryListener.accept(domain));
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    void onStart(@Observes StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (domainReader != null) {
            return;
        }
        domainReader = CompactedTopicReader.builder(kafka, "domains-table", Topics.PROVISIONING_DOMAINS)
                .sink(r -> applyDomain(r.key(), r.value())).build().start();
        stateReader = CompactedTopicReader.builder(kafka, "state-table", Topics.DELIVERY_STATE).batchedFetch()
                .sink(r -> state.apply(r.key(), r.value())).build().start();
        controlReader = CompactedTopicReader.builder(kafka, "control-table", Topics.DELIVERY_CONTROL)
                .sink(r -> applyControl(r.key(), r.value())).build().start();
        CompletableFuture.allOf(domainReader.caughtUp(), stateReader.caughtUp(), controlReader.caughtUp()).whenComplete((v, e) -> {
            if (e == null) {
                ready.complete(null);
            } else {
                ready.completeExceptionally(e);
            }
        });
    }

    private void applyDomain(String key, byte[] value) {
        if (key == null) {
            return;
        }
        try {
            routes.apply(key, value == null ? null : mapper.readValue(value, DomainRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void applyControl(String key, byte[] value) {
        if (key == null) {
            return;
        }
        try {
            controls.apply(key, value == null ? null : mapper.readValue(value, QueueCommand.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public QueueControls controls() {
        return controls;
    }

    /** Called with the domain of each "retry this destination now" command read. */
    public void onRetryDestination(java.util.function.Consumer<String> listener) {
        retryListener = listener;
    }

    public DomainRoutes routes() {
        return routes;
    }

    public CompletableFuture<Void> ready() {
        start();
        return ready;
    }

    /** Completes once {@code delivery.state} was read up to the end offsets found after this call (ADR 0089). */
    public CompletableFuture<Void> stateCaughtUp() {
        start();
        return stateReader.catchUp();
    }

    public boolean loaded() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    @PreDestroy
    void stop() {
        if (domainReader != null) {
            domainReader.close();
            stateReader.close();
            controlReader.close();
        }
    }
}
