package org.securemail.provisioning.idempotency;

/** The answer given to the first request with a key: what a retry with the same key gets again. */
public record StoredAnswer(int status, String location, String body) {
}
