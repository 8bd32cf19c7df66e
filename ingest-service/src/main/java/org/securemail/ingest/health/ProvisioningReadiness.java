package org.securemail.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.securemail.ingest.relay.ProvisioningState;

/** Ready only once the provisioning topics were read to their end: before that every RCPT would get 451. */
@Readiness
@ApplicationScoped
public class ProvisioningReadiness implements HealthCheck {

    private final ProvisioningState state;

    public ProvisioningReadiness(ProvisioningState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("provisioning-state")
                .status(state.caughtUp())
                .withData("domains", state.domainCount())
                .withData("users", state.userCount())
                .withData("recipients", state.recipientCount())
                .build();
    }
}
