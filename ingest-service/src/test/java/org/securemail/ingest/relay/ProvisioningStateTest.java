package org.securemail.ingest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.SmtpUserRecord;

class ProvisioningStateTest {

    @Test
    void findsAUserWhateverTheCaseOfTheLogin() {
        ProvisioningState state = new ProvisioningState();
        state.putUser("bob@example.org", new SmtpUserRecord("bob@example.org", "t1", "$2a$10$x", true, 0));

        assertThat(state.user("Bob@Example.ORG")).isPresent();
    }

    @Test
    void aTombstoneRemovesTheUserWhateverTheCaseOfItsKey() {
        ProvisioningState state = new ProvisioningState();
        state.putUser("bob@example.org", new SmtpUserRecord("bob@example.org", "t1", "$2a$10$x", true, 0));

        state.putUser("BOB@example.org", null);

        assertThat(state.user("bob@example.org")).isEmpty();
    }
}
