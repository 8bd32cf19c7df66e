package org.securemail.delivery.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Metrics;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Test wiring: each application that the tests start in this JVM begins without the meters of the one before, as in
 * dev mode. In test mode Quarkus leaves a stopped application's meters in Micrometer's global registry, so the next
 * application's gauges, registered under the same names, stay bound to the stopped one's objects (held weakly): once
 * those are collected the gauges read NaN or are missing (DeliveryFlowTest's metrics check after two earlier
 * applications).
 */
@ApplicationScoped
public class MetersPerApplication {

    void forget(@Observes ShutdownEvent event) {
        Metrics.globalRegistry.getMeters().forEach(Metrics.globalRegistry::remove);
    }
}
