package org.securemail.delivery.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import io.vertx.core.Vertx;
import org.securemail.delivery.config.DeliveryConfig;
import org.securemail.delivery.smtp.SmtpTransport;
import org.securemail.delivery.smtp.VertxSmtpTransport;

/** Wires the SMTP client on the Quarkus-managed Vert.x instance. */
@ApplicationScoped
public class DeliveryBeans {

    @Produces
    @ApplicationScoped
    SmtpTransport smtpTransport(Vertx vertx, DeliveryConfig config) {
        return new VertxSmtpTransport(vertx, config.smtp(),
                config.hostname().orElseGet(VertxSmtpTransport::defaultHeloName));
    }

    void close(@Disposes SmtpTransport transport) {
        if (transport instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }
}
