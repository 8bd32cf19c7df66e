package org.securemail.ingest.relay;

import java.security.SecureRandom;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.securemail.common.provisioning.SmtpUserRecord;

/**
 * Checks SMTP AUTH credentials against the bcrypt hashes of {@code provisioning.users}. bcrypt is slow by design,
 * so verification runs on the worker pool, never on the event loop. An unknown user costs the same bcrypt work as
 * a known one, so timing does not tell which user names exist.
 */
@Startup // the dummy hash is computed at start-up, not on an event loop
@ApplicationScoped
public class Authenticator {

    /** bcrypt of a random password, cost 10: burnt for unknown users. */
    private static final String DUMMY_HASH = dummyHash();

    private final ProvisioningState state;
    private final Vertx vertx;

    public Authenticator(ProvisioningState state, Vertx vertx) {
        this.state = state;
        this.vertx = vertx;
    }

    /** Completes with the user when the password matches and the user is enabled, empty otherwise. */
    public Future<Optional<SmtpUserRecord>> verify(String username, String password) {
        Optional<SmtpUserRecord> user = state.user(username);
        return vertx.executeBlocking(() -> {
            String hash = user.map(SmtpUserRecord::passwordHash).filter(Authenticator::isBcrypt).orElse(DUMMY_HASH);
            boolean match = checkQuietly(hash, password);
            return user.filter(u -> match && u.enabled() && isBcrypt(u.passwordHash()));
        }, false);
    }

    private static boolean checkQuietly(String hash, String password) {
        try {
            return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String dummyHash() {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2a", Long.toHexString(random.nextLong()).toCharArray(), salt, 10);
    }

    static boolean isBcrypt(String hash) {
        return hash != null && (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$"));
    }
}
