package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.testing.FreePorts;
import org.securemail.testing.ServiceProcess;

/** All four packaged services start against the real broker and PostgreSQL and report ready and metrics. */
class StackStartsIT {

    private static Stack stack;

    @BeforeAll
    static void startStack() {
        stack = Stack.startInfrastructure();
        stack.start("provisioning-api", "provisioning-api", Map.of());
        stack.start("dns-service", "dns-service/server", Map.of());
        stack.start("ingest-service", "ingest-service", Map.of(
                "ingest.smtp.mx.port", Integer.toString(FreePorts.next()),
                "ingest.smtp.submission.port", Integer.toString(FreePorts.next())));
        stack.start("delivery-service", "delivery-service", Map.of());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyServiceIsReadyWithKafkaChecked() throws IOException {
        for (ServiceProcess service : stack.services.values()) {
            var ready = service.get("/q/health/ready");
            assertThat(ready.statusCode()).as(service.log().toString()).isEqualTo(200);
            assertThat(ready.body()).contains("Kafka connection health check").contains("\"UP\"");
        }
    }

    @Test
    void provisioningReadinessCoversTheDatabase() throws IOException {
        var ready = stack.services.get("provisioning-api").get("/q/health/ready");
        assertThat(ready.body()).contains("Reactive PostgreSQL connections health check");
    }

    @Test
    void everyServiceExportsPrometheusMetrics() throws IOException {
        for (ServiceProcess service : stack.services.values()) {
            var metrics = service.get("/q/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void livenessAnswersOnEveryService() {
        for (ServiceProcess service : stack.services.values()) {
            assertThat(service.httpStatus("/q/health/live")).isEqualTo(200);
        }
    }
}
