package org.securemail.provisioning.error;

import java.net.URI;

/** The stable problem types of the API. The URI never changes once published; clients may switch on it. */
public enum ProblemType {
    BAD_REQUEST("bad-request", "Bad request", 400),
    MALFORMED_JSON("malformed-json", "Malformed JSON body", 400),
    UNKNOWN_FIELD("unknown-field", "Unknown field in JSON body", 400),
    VALIDATION("validation", "Invalid request", 400),
    UNAUTHORIZED("unauthorized", "Missing or invalid API key", 401),
    FORBIDDEN("forbidden", "Not allowed for this API key", 403),
    NOT_FOUND("not-found", "Resource not found", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
    DUPLICATE("duplicate", "Resource already exists", 409),
    VERSION_CONFLICT("version-conflict", "Stale version", 409),
    CONFLICT("conflict", "Conflict with the current state", 409),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key used for a different request", 422),
    GONE("gone", "No longer available", 410),
    RATE_LIMITED("rate-limited", "Too many requests for this API key", 429),
    UNAVAILABLE("unavailable", "Service temporarily unavailable", 503),
    INTERNAL("internal", "Internal error", 500);

    public static final String BASE = "https://securemail.org/problems/";

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public URI uri() {
        return URI.create(BASE + slug);
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }

    public static ProblemType forStatus(int status) {
        for (ProblemType t : values()) {
            if (t.status == status) {
                return t;
            }
        }
        return status >= 500 ? INTERNAL : BAD_REQUEST;
    }
}
