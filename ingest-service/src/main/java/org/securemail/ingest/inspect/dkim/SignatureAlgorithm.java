package org.securemail.ingest.inspect.dkim;

import java.util.Locale;

/**
 * The signing algorithms accepted: rsa-sha256 (RFC 6376) and ed25519-sha256 (RFC 8463). rsa-sha1 is refused
 * (RFC 8301).
 */
enum SignatureAlgorithm {
    RSA_SHA256("rsa-sha256", KeyType.RSA),
    ED25519_SHA256("ed25519-sha256", KeyType.ED25519);

    private final String token;
    private final KeyType keyType;

    SignatureAlgorithm(String token, KeyType keyType) {
        this.token = token;
        this.keyType = keyType;
    }

    static SignatureAlgorithm parse(String value) {
        String token = value.toLowerCase(Locale.ROOT);
        for (SignatureAlgorithm algorithm : values()) {
            if (algorithm.token.equals(token)) {
                return algorithm;
            }
        }
        if (token.equals("rsa-sha1")) {
            throw DkimFailure.permerror("rsa-sha1 is not accepted (RFC 8301)");
        }
        throw DkimFailure.permerror("unknown algorithm " + TagList.shorten(value));
    }

    String token() {
        return token;
    }

    KeyType keyType() {
        return keyType;
    }

    /** The key types of a key record's {@code k=}. */
    enum KeyType {
        RSA,
        ED25519
    }
}
