package org.securemail.provisioning.smtpuser;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.provisioning.config.ProvisioningConfig;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * bcrypt in modular crypt format ({@code $2a$<cost>$...}) as the ingest service verifies it. Hashing takes tens of
 * milliseconds by design, so it runs on a worker thread and the result comes back on the caller's Vert.x context.
 */
@ApplicationScoped
public class PasswordHasher {

    @Inject
    Vertx vertx;

    @Inject
    ProvisioningConfig config;

    public Uni<String> hash(String password) {
        int cost = config.bcryptCost();
        return vertx.executeBlocking(Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password, cost)));
    }
}
