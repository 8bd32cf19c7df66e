package org.securemail.provisioning.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Endpoint secrets: made here ({@code whsec_} and 32 random bytes, base64url), shown once, and stored so that the
 * dispatcher can sign with them again. A signing key cannot be hashed like a password; it is sealed instead, with
 * AES-256-GCM under the operator's {@code provisioning.webhooks.secret-key} and the endpoint id as associated data (a
 * sealed secret copied to another row does not open): {@code v1:<base64(nonce|ciphertext)>}. Without that key a secret
 * is stored as {@code plain:<secret>}; both forms are read, so a key can be set later (new and rotated secrets are
 * sealed from then on).
 */
public final class WebhookSecrets {

    static final String PREFIX = "whsec_";
    private static final String SEALED = "v1:";
    private static final String PLAIN = "plain:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    /** @param base64Key base64 of 32 bytes, or empty to store secrets unsealed */
    public WebhookSecrets(Optional<String> base64Key) {
        this.key = base64Key.filter(k -> !k.isBlank()).map(WebhookSecrets::aesKey).orElse(null);
    }

    public boolean sealing() {
        return key != null;
    }

    /** A new secret. */
    public String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of {@code secret} for endpoint {@code endpoint}. */
    public String seal(UUID endpoint, String secret) {
        if (key == null) {
            return PLAIN + secret;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(endpoint.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return SEALED + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a webhook secret", e);
        }
    }

    /** The secret of {@code stored}; IllegalStateException when it cannot be opened (wrong or missing key, another row). */
    public String open(UUID endpoint, String stored) {
        if (stored.startsWith(PLAIN)) {
            return stored.substring(PLAIN.length());
        }
        if (!stored.startsWith(SEALED)) {
            throw new IllegalStateException("webhook secret of " + endpoint + " is in no known form");
        }
        if (key == null) {
            throw new IllegalStateException("webhook secret of " + endpoint + " is sealed but provisioning.webhooks.secret-key"
                    + " is not set");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(SEALED.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(endpoint.toString().getBytes(StandardCharsets.US_ASCII));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("webhook secret of " + endpoint + " does not open with"
                    + " provisioning.webhooks.secret-key", e);
        }
    }

    private static SecretKeySpec aesKey(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("provisioning.webhooks.secret-key is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("provisioning.webhooks.secret-key must be 32 bytes (base64 of"
                    + " `openssl rand 32`), not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
