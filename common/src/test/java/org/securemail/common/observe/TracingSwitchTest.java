package org.securemail.common.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

/** SECUREMAIL_OTEL_ENDPOINT is the one switch: it turns the SDK and the Kafka connector's tracing on together. */
class TracingSwitchTest {

    /** What every service's application.properties says (ordinal 250), plus {@code more}. */
    private static SmallRyeConfig config(Map<String, String> more, int ordinal) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("quarkus.otel.sdk.disabled", "true",
                        "mp.messaging.connector.smallrye-kafka.tracing-enabled", "false"), "application.properties", 250))
                .withSources(new PropertiesConfigSource(more, "more", ordinal))
                .withSources(new TracingSwitch())
                .build();
    }

    @Test
    void tracesAreOffWithoutAnEndpoint() {
        SmallRyeConfig config = config(Map.of(), 300);
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isTrue();
        assertThat(config.getValue("mp.messaging.connector.smallrye-kafka.tracing-enabled", Boolean.class)).isFalse();
    }

    @Test
    void anEndpointTurnsTheSdkAndTheConnectorsTracingOnAndExportsThere() {
        SmallRyeConfig config = config(Map.of(TracingSwitch.ENDPOINT, "http://otel-collector:4317"), 300);
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isFalse();
        assertThat(config.getValue("mp.messaging.connector.smallrye-kafka.tracing-enabled", Boolean.class)).isTrue();
        assertThat(config.getRawValue("quarkus.otel.exporter.otlp.endpoint")).isEqualTo("http://otel-collector:4317");
    }

    @Test
    void theEnvironmentStillOverridesWhatTheSwitchSets() {
        SmallRyeConfig config = config(Map.of(TracingSwitch.ENDPOINT, "http://otel-collector:4317",
                "quarkus.otel.sdk.disabled", "true"), 300);
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isTrue();
    }

    @Test
    void aBlankEndpointIsOff() {
        assertThat(config(Map.of(TracingSwitch.ENDPOINT, " "), 300).getValue("quarkus.otel.sdk.disabled",
                Boolean.class)).isTrue();
    }
}
