package org.securemail.ingest.relay;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.ingest.config.IngestConfig;

/**
 * Checks SMTP AUTH credentials against the bcrypt hashes of {@code provisioning.users}. bcrypt is slow by design,
 * so verification runs on the worker pool, never on the event loop. An unknown user costs the same bcrypt work as
 * a known one, at the users' own cost, so timing does not tell which user names exist. Failures are counted per
 * client address and per user name ({@link AuthFailures}).
 */
@ApplicationScoped
public class Authenticator {

    private final ProvisioningState state;
    private final Vertx vertx;
    private final AuthFailures failures;
    /** bcrypt of a random password per cost: burnt for unknown users. Computed on a worker when first needed. */
    private final Map<Integer, String> dummyHashes = new ConcurrentHashMap<>();

    public Authenticator(ProvisioningState state, Vertx vertx, IngestConfig config) {
        this.state = state;
        this.vertx = vertx;
        IngestConfig.Limits limits = config.limits();
        this.failures = new AuthFailures(limits.maxAuthFailuresPerClient(), limits.maxAuthFailuresPerUser(),
                limits.authLockout(), System::nanoTime);
    }

    /** Completes with the user when the password matches and the user is enabled, empty otherwise. */
    public Future<Optional<SmtpUserRecord>> verify(String username, String password) {
        Optional<SmtpUserRecord> user = state.user(username);
        int unknownCost = state.bcryptCost();
        return vertx.executeBlocking(() -> {
            String hash = user.map(SmtpUserRecord::passwordHash).filter(Authenticator::isBcrypt)
                    .orElseGet(() -> dummyHashes.computeIfAbsent(unknownCost, Authenticator::dummyHash));
            boolean match = checkQuietly(hash, password);
            return user.filter(u -> match && u.enabled() && isBcrypt(u.passwordHash()));
        }, false);
    }

    /** True while this address or this user name may not try again (no password is checked then). */
    public boolean locked(String clientIp, String username) {
        return failures.locked(clientIp, username);
    }

    public void failed(String clientIp, String username) {
        failures.failed(clientIp, username);
    }

    /** True when {@code username} is a provisioned user (safe to name in a log line). */
    public boolean isUser(String username) {
        return state.user(username).isPresent();
    }

    /** The user as provisioning knows it now, if it still exists and is enabled (re-checked at every MAIL FROM). */
    public Optional<SmtpUserRecord> stillValid(SmtpUserRecord authenticated) {
        return state.user(authenticated.username()).filter(SmtpUserRecord::enabled);
    }

    private static boolean checkQuietly(String hash, String password) {
        try {
            return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String dummyHash(int cost) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2a", Long.toHexString(random.nextLong()).toCharArray(), salt, cost);
    }

    /** The cost of a bcrypt hash ({@code $2a$12$...} is 12), or 10 when it is not one. */
    static int cost(String hash) {
        if (!isBcrypt(hash) || hash.length() < 7) {
            return 10;
        }
        try {
            int cost = Integer.parseInt(hash.substring(4, 6));
            return cost >= 4 && cost <= 31 ? cost : 10;
        } catch (NumberFormatException e) {
            return 10;
        }
    }

    static boolean isBcrypt(String hash) {
        return hash != null && (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$"));
    }
}
