package org.securemail.provisioning.domain;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.provisioning.outbox.Outbox;
import org.securemail.provisioning.recipient.Recipient;

import io.smallrye.mutiny.Uni;

/**
 * The one place that decides what of a domain reaches the mail services: a claim takes effect only once verified,
 * so only a verified domain and its recipients are written to the outbox. An unverified claim stays in the database
 * and never touches {@code provisioning.domains} (its tombstone would erase the verified owner's record).
 */
@ApplicationScoped
public class DomainPublication {

    @Inject
    Outbox outbox;

    public Uni<Void> changed(Domain d) {
        return d.verification.verified() ? outbox.domainChanged(DomainMapper.toRecord(d)) : Uni.createFrom().voidItem();
    }

    public Uni<Void> deleted(Domain d, List<Recipient> recipients) {
        if (!d.verification.verified()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Recipient r : recipients) {
            chain = chain.chain(() -> outbox.recipientRemoved(record(d, r)));
        }
        return chain.chain(() -> outbox.domainDeleted(d.name));
    }

    /** A newly verified domain: its record and every recipient it gathered while pending. */
    public Uni<Void> verified(Domain d, List<Recipient> recipients) {
        Uni<Void> chain = outbox.domainChanged(DomainMapper.toRecord(d));
        for (Recipient r : recipients) {
            chain = chain.chain(() -> outbox.recipientAdded(record(d, r)));
        }
        return chain;
    }

    public Uni<Void> recipientAdded(Domain d, Recipient r) {
        return d.verification.verified() ? outbox.recipientAdded(record(d, r)) : Uni.createFrom().voidItem();
    }

    public Uni<Void> recipientRemoved(Domain d, Recipient r) {
        return d.verification.verified() ? outbox.recipientRemoved(record(d, r)) : Uni.createFrom().voidItem();
    }

    public static RecipientRecord record(Domain d, Recipient r) {
        return new RecipientRecord(d.name, r.localPart, d.tenantId.toString());
    }
}
