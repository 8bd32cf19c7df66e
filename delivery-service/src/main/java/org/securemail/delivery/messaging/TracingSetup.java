package org.securemail.delivery.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.api.OpenTelemetry;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.securemail.common.observe.MessageTracing;

/** The service's spans about messages: on when the OpenTelemetry SDK is (SECUREMAIL_OTEL_ENDPOINT, ADR 0079). */
@ApplicationScoped
public class TracingSetup {

    @Produces
    @Singleton
    MessageTracing tracing(OpenTelemetry otel,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean disabled) {
        return MessageTracing.of(otel, !disabled);
    }
}
