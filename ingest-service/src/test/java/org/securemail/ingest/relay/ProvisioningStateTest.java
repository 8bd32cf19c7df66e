package org.securemail.ingest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.common.provisioning.SuppressionRecord;

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

    @Test
    void aSuppressionAppliesToItsTenantOnlyWhateverTheCaseAndUntilItsTombstone() {
        ProvisioningState state = new ProvisioningState();
        SuppressionRecord r = new SuppressionRecord("t1", "bob@example.net", SuppressionReason.HARD_BOUNCE);
        assertThat(state.putSuppression(r.key(), r, 10)).isTrue();

        assertThat(state.suppressed("t1", "Bob", "EXAMPLE.net.")).isTrue();
        assertThat(state.suppressed("t2", "bob", "example.net")).isFalse();
        assertThat(state.suppressed(null, "bob", "example.net")).isFalse();
        assertThat(state.suppressed("t1", "bob", "[192.0.2.1]")).isFalse();

        state.putSuppression(r.key(), null, 10);
        assertThat(state.suppressed("t1", "bob", "example.net")).isFalse();
        assertThat(state.suppressionCount()).isZero();
    }

    @Test
    void suppressionsPastTheLimitAreNotHeldButAnUpdateOfAHeldOneIs() {
        ProvisioningState state = new ProvisioningState();
        for (int i = 0; i < 3; i++) {
            SuppressionRecord r = new SuppressionRecord("t1", "u" + i + "@example.net", SuppressionReason.MANUAL);
            assertThat(state.putSuppression(r.key(), r, 3)).isTrue();
        }
        SuppressionRecord over = new SuppressionRecord("t1", "over@example.net", SuppressionReason.MANUAL);
        assertThat(state.putSuppression(over.key(), over, 3)).isFalse();
        assertThat(state.suppressed("t1", "over", "example.net")).isFalse();
        SuppressionRecord again = new SuppressionRecord("t1", "u0@example.net", SuppressionReason.HARD_BOUNCE);
        assertThat(state.putSuppression(again.key(), again, 3)).isTrue();
        assertThat(state.suppressionCount()).isEqualTo(3);
    }
}
