package org.securemail.delivery.messaging;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.smallrye.common.annotation.Identifier;
import org.securemail.delivery.config.DeliveryConfig;

/**
 * The Kafka settings that the seven mail consumers ({@link Channels#MAIL_IN}, the retry tiers, {@link Channels#PARK})
 * share, written once in application.properties under {@code delivery.mail-consumers.} and handed to the connector as
 * the map that those channels name in their {@code kafka-configuration} attribute.
 *
 * <p>Not connector-level defaults ({@code mp.messaging.connector.smallrye-kafka.*}): they apply to every channel of
 * the connector, the dns-client channels included, whose reply consumer would then read {@code dns.queries-replies}
 * from the earliest offset (ADR 0055). The connector resolves a channel's own attributes and the connector-level
 * defaults first, then this map, then {@code kafka.*}.
 */
@ApplicationScoped
public class MailConsumerSettings {

    /** The value of the mail consumers' {@code kafka-configuration} attribute. */
    public static final String IDENTIFIER = "delivery-mail-consumers";

    @Produces
    @Singleton
    @Identifier(IDENTIFIER)
    Map<String, Object> settings(DeliveryConfig config) {
        return Map.copyOf(config.mailConsumers());
    }
}
