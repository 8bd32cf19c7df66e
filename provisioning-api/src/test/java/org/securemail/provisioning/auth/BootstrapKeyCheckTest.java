package org.securemail.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Issue 12: the bootstrap operator key acts for every tenant, so a short one stops the start. */
class BootstrapKeyCheckTest {

    @Test
    void aShortBootstrapKeyStopsTheStart() {
        assertThatThrownBy(() -> BootstrapKeyCheck.check(Optional.of("operator")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> BootstrapKeyCheck.check(Optional.of(" ".repeat(10) + "x".repeat(31))))
                .isInstanceOf(IllegalStateException.class);
        BootstrapKeyCheck.check(Optional.of("x".repeat(32)));
        BootstrapKeyCheck.check(Optional.empty());
        BootstrapKeyCheck.check(Optional.of(""));
    }
}
