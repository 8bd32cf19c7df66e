package org.securemail.provisioning.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.securemail.provisioning.error.ApiProblem;

/**
 * One {@code Idempotency-Key} as the store keeps it: whose it is ({@code scope}: the API key that sent it), the
 * client's key, and a fingerprint of the request it was first used with.
 */
public record IdempotencyKey(String scope, String key, String fingerprint) {

    public static final String HEADER = "Idempotency-Key";
    /** Set on an answer that was given before, to a request with the same key. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    public static final int MAX_LENGTH = 255;
    /** The header's description in the OpenAPI document. */
    public static final String DESCRIPTION = "Optional. A unique key per request (a UUID): a retry with the same key and"
            + " the same request gets the first answer again (Idempotent-Replayed: true) and creates nothing; the same"
            + " key with a different request gets 422; while the first request runs, 409. Kept 24 hours per API key.";

    /**
     * The client's key, as a bare token or as a structured-field string ({@code "..."}, RFC 8941, as the IETF draft
     * writes it): 1 to 255 visible ASCII characters. Anything else is a 400.
     */
    public static String parse(String header) {
        String value = header.strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw ApiProblem.badRequest(HEADER + " must be 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                throw ApiProblem.badRequest(HEADER + " may only contain visible ASCII characters, without quotes or"
                        + " backslashes (a UUID is a good key)");
            }
        }
        return value;
    }

    /** SHA-256 (hex) of the parts, each length-prefixed so that no two different lists hash alike by concatenation. */
    public static String fingerprint(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
