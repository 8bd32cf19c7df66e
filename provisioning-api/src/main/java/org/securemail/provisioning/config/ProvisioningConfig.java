package org.securemail.provisioning.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed settings of the provisioning API ({@code provisioning.*}, env {@code PROVISIONING_*}). */
@ConfigMapping(prefix = "provisioning")
public interface ProvisioningConfig {

    /**
     * The first operator key ({@code PROVISIONING_BOOTSTRAP_OPERATOR_KEY}). It is never stored; requests carrying it
     * act as an operator. Use it to create real operator keys, then remove it from the environment.
     */
    Optional<String> bootstrapOperatorKey();

    /** bcrypt cost of SMTP user passwords (2^cost rounds). */
    @WithDefault("10")
    int bcryptCost();

    /** Largest page a list endpoint returns. */
    @WithDefault("200")
    int maxPageSize();

    /** Page size when the client gives no {@code limit}. */
    @WithDefault("50")
    int defaultPageSize();

    Outbox outbox();

    interface Outbox {

        /** Start the relay at boot. Tests may start it by hand. */
        @WithDefault("true")
        boolean enabled();

        /** How often the relay looks for events when it was not woken by a commit. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** Events published per transaction. */
        @WithDefault("200")
        int batchSize();

        /** Pause after a failed publish before the relay tries again. */
        @WithDefault("2s")
        Duration retryBackoff();

        /** Producer {@code delivery.timeout.ms}: how long one publish may take before it counts as failed. */
        @WithDefault("30s")
        Duration deliveryTimeout();
    }
}
