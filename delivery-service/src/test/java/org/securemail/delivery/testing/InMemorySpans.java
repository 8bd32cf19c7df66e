package org.securemail.delivery.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * The spans the application exports, kept in memory for the tests (a SpanExporter bean takes the place of the OTLP
 * exporter). Collected only where a test profile turns traces on; the SDK is off otherwise.
 */
@ApplicationScoped
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
