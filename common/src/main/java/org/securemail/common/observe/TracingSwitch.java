package org.securemail.common.observe;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The one switch for traces ({@code SECUREMAIL_OTEL_ENDPOINT}, key {@value #ENDPOINT}): the URL of an OTLP collector
 * (gRPC, e.g. {@code http://otel-collector:4317}). Set, it turns the OpenTelemetry SDK on, exports to that collector and
 * turns on the Kafka connector's tracing, which carries the trace context in the records' headers; unset (the
 * default), the services' {@code application.properties} keep the SDK and the connector's tracing off, and the
 * services' own spans are not made either ({@link MessageTracing#enabled()}).
 *
 * <p>Its values sit above {@code application.properties} (250) and below the environment (300), so the usual
 * {@code QUARKUS_OTEL_*} variables still tune or override it (a sampler ratio, headers, TLS).
 */
public class TracingSwitch implements ConfigSourceFactory {

    /** The collector's URL; environment {@code SECUREMAIL_OTEL_ENDPOINT}. */
    public static final String ENDPOINT = "securemail.otel.endpoint";
    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue endpoint = context.getValue(ENDPOINT);
        if (endpoint == null || endpoint.getValue() == null || endpoint.getValue().isBlank()) {
            return List.of();
        }
        return List.of(new MapBackedConfigSource("traces on (" + ENDPOINT + ")", on(endpoint.getValue().trim()),
                ORDINAL) {
        });
    }

    static Map<String, String> on(String endpoint) {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.endpoint", endpoint,
                "mp.messaging.connector.smallrye-kafka.tracing-enabled", "true");
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
