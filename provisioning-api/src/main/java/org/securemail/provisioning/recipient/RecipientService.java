package org.securemail.provisioning.recipient;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.domain.Domain;
import org.securemail.provisioning.domain.DomainPublication;
import org.securemail.provisioning.domain.DomainRepository;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.outbox.Outbox;
import org.securemail.provisioning.recipient.RecipientDtos.CreateRecipient;
import org.securemail.provisioning.recipient.RecipientDtos.RecipientView;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Recipient lists. Each add or remove writes its {@code provisioning.recipients} event in the same transaction. */
@ApplicationScoped
public class RecipientService {

    @Inject
    DomainRepository domains;

    @Inject
    RecipientRepository recipients;

    @Inject
    Outbox outbox;

    @Inject
    DomainPublication publication;

    public Uni<RecipientView> add(Caller caller, UUID domainId, CreateRecipient request) {
        String localPart = request.localPart().toLowerCase(Locale.ROOT);
        return outbox.transaction(() -> domains.findVisible(caller, domainId)
                        .chain(d -> ApiProblem.failIfTaken(recipients.exists(d.id, localPart),
                                "recipient " + localPart + "@" + d.name + " already exists").chain(() -> {
                            Recipient r = new Recipient();
                            r.id = UUID.randomUUID();
                            r.tenantId = d.tenantId;
                            r.domainId = d.id;
                            r.localPart = localPart;
                            r.createdAt = Instant.now();
                            return recipients.persistAndFlush(r)
                                    .call(() -> publication.recipientAdded(d, r))
                                    .map(x -> view(d, r));
                        })));
    }

    public Uni<Page<RecipientView>> list(Caller caller, UUID domainId, PageRequest page) {
        return Panache.withSession(() -> domains.findVisible(caller, domainId)
                .chain(d -> recipients.listVisible(caller, d.id, page)
                        .map(rows -> Page.of(rows, page.limit(), r -> view(d, r), r -> r.id.toString()))));
    }

    public Uni<RecipientView> get(Caller caller, UUID domainId, UUID id) {
        return Panache.withSession(() -> domains.findVisible(caller, domainId)
                .chain(d -> recipients.findVisible(caller, d.id, id).map(r -> view(d, r))));
    }

    public Uni<Void> remove(Caller caller, UUID domainId, UUID id) {
        return outbox.transaction(() -> domains.findVisible(caller, domainId)
                        .chain(d -> recipients.findVisible(caller, d.id, id)
                                .call(r -> recipients.delete(r))
                                .call(r -> publication.recipientRemoved(d, r))))
                .replaceWithVoid();
    }

    static RecipientView view(Domain d, Recipient r) {
        return new RecipientView(r.id, d.id, r.localPart, r.localPart + "@" + d.name, r.createdAt);
    }
}
