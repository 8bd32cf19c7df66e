package org.securemail.provisioning;

import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.PostgresResource;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * One real PostgreSQL and one real Kafka broker for the whole test run: every {@code @QuarkusTest} of this module
 * shares them (and the application instance), which keeps the module's verify short.
 */
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaBrokerResource.class)
public final class TestBackends {

    private TestBackends() {
    }
}
