package org.securemail.delivery.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.securemail.delivery.pipeline.DeliveryTables;

/** Ready once the route and state tables are loaded from their compacted topics. */
@Readiness
@ApplicationScoped
public class DeliveryReadiness implements HealthCheck {

    @Inject
    DeliveryTables tables;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("delivery-tables")
                .status(tables.loaded())
                .withData("domains", tables.routes().size())
                .build();
    }
}
