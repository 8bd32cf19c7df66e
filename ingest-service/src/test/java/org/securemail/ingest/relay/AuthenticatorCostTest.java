package org.securemail.ingest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.SmtpUserRecord;

/** Issue 12: an unknown user's check costs what a known user's costs, whatever cost provisioning hashes with. */
class AuthenticatorCostTest {

    @Test
    void readsTheCostOfABcryptHash() {
        assertThat(Authenticator.cost("$2a$12$abcdefghijklmnopqrstuv")).isEqualTo(12);
        assertThat(Authenticator.cost("$2b$04$abcdefghijklmnopqrstuv")).isEqualTo(4);
        assertThat(Authenticator.cost("plain")).isEqualTo(10);
        assertThat(Authenticator.cost("$2a$99$x")).isEqualTo(10);
    }

    @Test
    void theStateKnowsTheHighestCostOfItsUsers() {
        ProvisioningState state = new ProvisioningState();
        assertThat(state.bcryptCost()).isEqualTo(10);
        state.putUser("a", new SmtpUserRecord("a", "t", "$2a$12$abcdefghijklmnopqrstuv", true, 1));
        state.putUser("b", new SmtpUserRecord("b", "t", "$2a$11$abcdefghijklmnopqrstuv", true, 1));
        assertThat(state.bcryptCost()).isEqualTo(12);

        ProvisioningState cheap = new ProvisioningState();
        cheap.putUser("c", new SmtpUserRecord("c", "t", "$2b$04$abcdefghijklmnopqrstuv", true, 1));
        assertThat(cheap.bcryptCost()).as("lower than the default too").isEqualTo(4);
    }

    @Test
    void theDummyHashHasTheCostAskedFor() {
        assertThat(Authenticator.dummyHash(12)).startsWith("$2a$12$");
        assertThat(Authenticator.cost(Authenticator.dummyHash(5))).isEqualTo(5);
    }
}
