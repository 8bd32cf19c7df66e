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
import org.securemail.common.topics.Topics;
import org.securemail.delivery.routing.DomainRoutes;
import org.securemail.delivery.state.RecipientStateStore;

/**
 * The in-memory tables read from compacted topics: provisioned routes ({@code provisioning.domains}) and final
 * recipient state ({@code delivery.state}). Mail is not consumed before both are loaded.
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
        CompletableFuture.allOf(domainReader.caughtUp(), stateReader.caughtUp()).whenComplete((v, e) -> {
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

    public DomainRoutes routes() {
        return routes;
    }

    public CompletableFuture<Void> ready() {
        start();
        return ready;
    }

    public boolean loaded() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    @PreDestroy
    void stop() {
        if (domainReader != null) {
            domainReader.close();
            stateReader.close();
        }
    }
}
