package org.securemail.provisioning.idempotency;

/** What the store says when a request presents an {@code Idempotency-Key}. */
public sealed interface Claim {

    /** The key is this request's now: run it, then {@link IdempotencyStore#complete} or {@link IdempotencyStore#release}. */
    record Granted() implements Claim {
    }

    /** The same request already ran with this key: give its answer again. */
    record Answered(StoredAnswer answer) implements Claim {
    }

    /** The same request is running with this key right now: 409, try again shortly. */
    record Running() implements Claim {
    }

    /** The key was used for a different request: 422. */
    record OtherRequest() implements Claim {
    }
}
