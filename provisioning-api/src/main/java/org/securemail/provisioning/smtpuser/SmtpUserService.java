package org.securemail.provisioning.smtpuser;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.outbox.Outbox;
import org.securemail.provisioning.smtpuser.SmtpUserDtos.CreateSmtpUser;
import org.securemail.provisioning.smtpuser.SmtpUserDtos.SmtpUserView;
import org.securemail.provisioning.smtpuser.SmtpUserDtos.UpdateSmtpUser;
import org.securemail.provisioning.tenant.TenantRepository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** SMTP submission users. Each change writes its {@code provisioning.users} event in the same transaction. */
@ApplicationScoped
public class SmtpUserService {

    @Inject
    SmtpUserRepository users;

    @Inject
    TenantRepository tenants;

    @Inject
    PasswordHasher hasher;

    @Inject
    Outbox outbox;

    public Uni<SmtpUserView> create(Caller caller, CreateSmtpUser request) {
        UUID tenantId = caller.tenantFor(request.tenantId());
        String username = request.username().toLowerCase(Locale.ROOT);
        return hasher.hash(request.password()).chain(hash -> outbox.transaction(() -> tenants.requireTenantOfRequest(caller, tenantId)
                        .chain(() -> ApiProblem.failIfTaken(users.usernameTaken(username),
                                "SMTP user " + username + " already exists"))
                        .chain(() -> {
                            SmtpUser u = new SmtpUser();
                            u.id = UUID.randomUUID();
                            u.tenantId = tenantId;
                            u.username = username;
                            u.passwordHash = hash;
                            u.enabled = request.enabled() == null || request.enabled();
                            u.createdAt = Instant.now();
                            u.updatedAt = u.createdAt;
                            return users.persistAndFlush(u).call(() -> outbox.userChanged(record(u)));
                        })))
                .map(SmtpUserView::of);
    }

    public Uni<SmtpUserView> get(Caller caller, UUID id) {
        return Panache.withSession(() -> users.findVisible(caller, id)).map(SmtpUserView::of);
    }

    public Uni<Page<SmtpUserView>> list(Caller caller, PageRequest page) {
        return Panache.withSession(() -> users.listVisible(caller, page))
                .map(rows -> Page.of(rows, page.limit(), SmtpUserView::of, u -> u.id.toString()));
    }

    public Uni<SmtpUserView> update(Caller caller, UUID id, UpdateSmtpUser request) {
        Uni<String> newHash = request.password() == null ? Uni.createFrom().nullItem() : hasher.hash(request.password());
        return newHash.chain(hash -> outbox.transaction(() -> users.findVisible(caller, id)
                        .chain(u -> {
                            if (u.version != request.version()) {
                                return Uni.createFrom().failure(ApiProblem.stale("SMTP user", id, request.version(), u.version));
                            }
                            if (hash != null) {
                                u.passwordHash = hash;
                            }
                            if (request.enabled() != null) {
                                u.enabled = request.enabled();
                            }
                            u.updatedAt = Instant.now();
                            return users.flush().replaceWith(u);
                        })
                        .call(u -> outbox.userChanged(record(u)))))
                .map(SmtpUserView::of);
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return outbox.transaction(() -> users.findVisible(caller, id)
                        .call(u -> users.delete(u))
                        .call(u -> outbox.userDeleted(u.username)))
                .replaceWithVoid();
    }

    static SmtpUserRecord record(SmtpUser u) {
        return new SmtpUserRecord(u.username, u.tenantId.toString(), u.passwordHash, u.enabled, u.version);
    }
}
