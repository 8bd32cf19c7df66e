package org.securemail.provisioning.outbox;

import java.time.Instant;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.DomainVerificationEvent;
import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.provisioning.SuppressionRecord;
import org.securemail.common.queue.OperatorAction;
import org.securemail.common.queue.QueueCommand;
import org.securemail.common.topics.Topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Writes change events into the outbox table. Callers run inside the transaction of the change, so the event
 * commits or rolls back with it; {@link OutboxRelay} publishes it afterwards.
 */
@ApplicationScoped
public class Outbox {

    @Inject
    ObjectMapper json;

    @Inject
    OutboxRelay relay;

    public Uni<Void> domainChanged(DomainRecord record) {
        return append(Topics.PROVISIONING_DOMAINS, record.name(), record);
    }

    public Uni<Void> domainDeleted(String name) {
        return append(Topics.PROVISIONING_DOMAINS, name, null);
    }

    public Uni<Void> userChanged(SmtpUserRecord record) {
        return append(Topics.PROVISIONING_USERS, record.username(), record);
    }

    public Uni<Void> userDeleted(String username) {
        return append(Topics.PROVISIONING_USERS, username, null);
    }

    public Uni<Void> recipientAdded(RecipientRecord record) {
        return append(Topics.PROVISIONING_RECIPIENTS, record.key(), record);
    }

    public Uni<Void> recipientRemoved(RecipientRecord record) {
        return append(Topics.PROVISIONING_RECIPIENTS, record.key(), null);
    }

    public Uni<Void> suppressionAdded(SuppressionRecord record) {
        return append(Topics.PROVISIONING_SUPPRESSIONS, record.key(), record);
    }

    public Uni<Void> suppressionRemoved(SuppressionRecord record) {
        return append(Topics.PROVISIONING_SUPPRESSIONS, record.key(), null);
    }

    public Uni<Void> verificationStep(DomainVerificationEvent event) {
        return append(Topics.PROVISIONING_DOMAIN_VERIFICATIONS, event.domain(), event);
    }

    /** An operator's command to the delivery replicas (ADR 0084). */
    public Uni<Void> queueCommand(QueueCommand command) {
        return append(Topics.DELIVERY_CONTROL, command.key(), command);
    }

    /** The audit record of an operator's action (ADR 0084). */
    public Uni<Void> operatorAction(OperatorAction action) {
        return append(Topics.OPERATOR_ACTIONS, action.id(), action);
    }

    /**
     * Runs {@code work} in one database transaction, the change and its outbox events together, and wakes the relay
     * once it has committed (the relay's poll would find the events too, later).
     */
    public <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).invoke(relay::wakeUp);
    }

    private Uni<Void> append(String topic, String key, Object record) {
        OutboxEvent event = new OutboxEvent();
        event.topic = topic;
        event.recordKey = key;
        event.createdAt = Instant.now();
        try {
            event.payload = record == null ? null : json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot serialise " + record, e));
        }
        return Panache.getSession().chain(session -> session.persist(event)).replaceWithVoid();
    }
}
