package org.securemail.ingest.stage;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.smallrye.common.annotation.Identifier;

/**
 * The Kafka settings the two stage consumers share, written once under {@code ingest.inspection.consumers.} and named
 * by their {@code kafka-configuration} attribute. Not connector-level defaults: those would reach the dns-client's
 * channels too (ADR 0055).
 */
@ApplicationScoped
public class StageConsumerSettings {

    public static final String IDENTIFIER = "ingest-inspection-consumers";

    @Produces
    @Singleton
    @Identifier(IDENTIFIER)
    Map<String, Object> settings(InspectionSettings settings) {
        return Map.copyOf(settings.consumers());
    }
}
