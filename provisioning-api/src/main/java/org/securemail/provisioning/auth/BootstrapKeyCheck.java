package org.securemail.provisioning.auth;

import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.securemail.provisioning.config.ProvisioningConfig;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start with a bootstrap operator key too short to be secret (issue 12): it acts as an operator of every
 * tenant, so a guessable one is a takeover of the platform.
 */
@Singleton
public class BootstrapKeyCheck {

    /** 32 characters: 128 bits and more for a hex or base64 key. */
    public static final int MIN_LENGTH = 32;

    void onStart(@Observes StartupEvent event, ProvisioningConfig config) {
        check(config.bootstrapOperatorKey());
    }

    /** Throws when a key is set and shorter than {@link #MIN_LENGTH}; no key at all is fine. */
    public static void check(Optional<String> key) {
        key.filter(k -> !k.isBlank()).ifPresent(k -> {
            if (k.trim().length() < MIN_LENGTH) {
                throw new IllegalStateException("provisioning.bootstrap-operator-key (PROVISIONING_BOOTSTRAP_OPERATOR_KEY)"
                        + " must be at least " + MIN_LENGTH + " characters; generate one with: openssl rand -hex 24");
            }
        });
    }
}
