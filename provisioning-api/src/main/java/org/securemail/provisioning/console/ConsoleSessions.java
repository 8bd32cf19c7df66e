package org.securemail.provisioning.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.securemail.provisioning.config.ProvisioningConfig;

/**
 * Console sign-ins as signed cookies (ADR 0087): {@code v1.<key>.<expires>.<nonce>.<mac>}, where {@code key} is the
 * operator key's id (or {@code bootstrap-<16 hex of its hash>} for the bootstrap key) and {@code mac} an HMAC-SHA256
 * under {@code provisioning.console.session-key}. Nothing is stored: the cookie says which key signed in and until
 * when, and every request checks that key again (a revoked key ends its sessions at once). The CSRF token of a
 * session is an HMAC of its cookie, so it needs no storage either.
 */
@ApplicationScoped
public class ConsoleSessions {

    /** The cookie's name. HttpOnly, SameSite=Strict, Path=/ (the pages call /api/ with it). */
    public static final String COOKIE = "sm_console";
    /** The header that carries the CSRF token on every request that is not a GET or HEAD. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String VERSION = "v1";
    private static final String BOOTSTRAP = "bootstrap-";
    /** Longest cookie value read: a UUID, an epoch second, a nonce and a MAC fit in well under this. */
    private static final int MAX_COOKIE_CHARS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final long lifetimeSeconds;
    private final Clock clock;

    @Inject
    public ConsoleSessions(ProvisioningConfig config) {
        this(config.console().sessionKey().map(ConsoleSessions::decodeKey).orElseGet(ConsoleSessions::randomKey),
                config.console().sessionLifetime().toSeconds(), Clock.systemUTC());
    }

    ConsoleSessions(byte[] key, long lifetimeSeconds, Clock clock) {
        this.key = key.clone();
        this.lifetimeSeconds = lifetimeSeconds;
        this.clock = clock;
    }

    /** Who a session belongs to: an operator key's id, or the bootstrap key (by the start of its hash). */
    public record Session(String cookie, UUID keyId, String bootstrapHashPrefix, Instant expiresAt) {
        public boolean bootstrap() {
            return keyId == null;
        }
    }

    /** A new session for an operator key ({@code keyId}), or for the bootstrap key when {@code keyId} is null. */
    public Session open(UUID keyId, String keyHash) {
        String subject = keyId != null ? keyId.toString() : BOOTSTRAP + keyHash.substring(0, 16);
        long expires = clock.instant().getEpochSecond() + lifetimeSeconds;
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String body = VERSION + "." + subject + "." + expires + "." + b64(nonce);
        String cookie = body + "." + b64(mac(body));
        return new Session(cookie, keyId, keyId == null ? keyHash.substring(0, 16) : null, Instant.ofEpochSecond(expires));
    }

    /** The session a cookie value names, if it is well formed, signed by this key and not expired. */
    public Optional<Session> verify(String cookie) {
        if (cookie == null || cookie.length() > MAX_COOKIE_CHARS) {
            return Optional.empty();
        }
        String[] parts = cookie.split("\\.", -1);
        if (parts.length != 5 || !VERSION.equals(parts[0])) {
            return Optional.empty();
        }
        String body = cookie.substring(0, cookie.lastIndexOf('.'));
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(parts[4]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(presented, mac(body))) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (clock.instant().getEpochSecond() >= expires) {
            return Optional.empty();
        }
        String subject = parts[1];
        if (subject.startsWith(BOOTSTRAP)) {
            return Optional.of(new Session(cookie, null, subject.substring(BOOTSTRAP.length()), Instant.ofEpochSecond(expires)));
        }
        try {
            return Optional.of(new Session(cookie, UUID.fromString(subject), null, Instant.ofEpochSecond(expires)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The CSRF token of a session: the page reads it from {@code GET /console/session} and sends it as a header. */
    public String csrfToken(Session session) {
        return b64(mac("csrf." + session.cookie()));
    }

    public boolean csrfMatches(Session session, String presented) {
        return presented != null && MessageDigest.isEqual(csrfToken(session).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** The Set-Cookie value that signs a browser in ({@code secure} when the page came over HTTPS). */
    public String setCookie(Session session, boolean secure) {
        return COOKIE + "=" + session.cookie() + "; Path=/; Max-Age=" + lifetimeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that signs a browser out. */
    public static String clearCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] decodeKey(String base64) {
        byte[] key = Base64.getDecoder().decode(base64.trim());
        if (key.length < 32) {
            throw new IllegalArgumentException("provisioning.console.session-key must be at least 32 bytes (base64)");
        }
        return key;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
