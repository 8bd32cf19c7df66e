package org.securemail.provisioning.idempotency;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code provisioning.idempotency.*}: how long an {@code Idempotency-Key} is remembered and what is kept. */
@ConfigMapping(prefix = "provisioning.idempotency")
public interface IdempotencySettings {

    /** How long a key and its answer are kept; a retry after that creates again. */
    @WithDefault("24h")
    Duration retention();

    /**
     * How long a request with a key may run before a retry with the same key may take it over (the first one died
     * with its replica); until then a retry gets 409.
     */
    @WithDefault("60s")
    Duration inProgressTimeout();

    /** The largest answer kept (bytes of JSON); a larger one is not remembered and a retry creates again. */
    @WithDefault("65536")
    int maxStoredBody();

    /** How often expired keys are deleted, and how many at most per round. */
    @WithDefault("10m")
    Duration sweepInterval();

    @WithDefault("5000")
    int sweepBatchSize();
}
