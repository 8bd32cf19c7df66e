package org.securemail.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.health.api.Wellness;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.securemail.ingest.accept.AcceptService;
import org.securemail.ingest.accept.QueueWrites;

/**
 * Whether mail can be accepted now: DOWN while the latest write to {@code mail.accepted} failed or missed its
 * deadline (clients get {@code 451 4.3.0}). A wellness check ({@code /q/health/well}), deliberately not a readiness
 * check: a broker outage must not take every ingress replica out of the load balancer at once (ADR 0064).
 */
@Wellness
@ApplicationScoped
public class MailQueueWellness implements HealthCheck {

    private final AcceptService accept;

    public MailQueueWellness(AcceptService accept) {
        this.accept = accept;
    }

    @Override
    public HealthCheckResponse call() {
        QueueWrites.Status status = accept.writes();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("mail-queue").status(!status.failing());
        if (status.lastStored() != null) {
            response.withData("lastStored", status.lastStored().toString());
        }
        if (status.lastFailed() != null) {
            response.withData("lastFailed", status.lastFailed().toString())
                    .withData("lastError", status.lastError());
        }
        return response.build();
    }
}
