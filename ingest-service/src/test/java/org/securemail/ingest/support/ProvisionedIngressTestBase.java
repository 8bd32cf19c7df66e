package org.securemail.ingest.support;

import static org.awaitility.Awaitility.await;
import static org.securemail.ingest.support.Fixtures.FOREIGN;
import static org.securemail.ingest.support.Fixtures.INBOUND;
import static org.securemail.ingest.support.Fixtures.LISTED;
import static org.securemail.ingest.support.Fixtures.SMALL;
import static org.securemail.ingest.support.Fixtures.USER;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.securemail.ingest.relay.ProvisioningState;
import org.securemail.testing.KafkaBroker;

/** An {@link IngressTestBase} whose application has read the standard provisioning {@link Fixtures} before each test. */
public abstract class ProvisionedIngressTestBase extends IngressTestBase {

    /** The broker the fixtures were published to (a new application starts with a new broker). */
    private static KafkaBroker provisioned;

    @Inject
    protected ProvisioningState state;

    @BeforeEach
    void provisionStandardFixtures() throws Exception {
        if (provisioned != broker) {
            Fixtures.provision(broker, JSON);
            provisioned = broker;
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> state.caughtUp() && state.domain(INBOUND).isPresent()
                && state.domain(FOREIGN).isPresent() && state.user(USER).isPresent()
                && state.hasRecipient("alice", LISTED) && state.user("disabled").isPresent()
                && state.domain(SMALL).isPresent());
    }
}
