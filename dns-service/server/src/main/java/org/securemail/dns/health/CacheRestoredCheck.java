package org.securemail.dns.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.securemail.dns.cache.CacheRestorer;

/** Ready once the replica's memory is restored from {@code dns.cache} (or the restore timeout passed). */
@Readiness
@ApplicationScoped
public class CacheRestoredCheck implements HealthCheck {

    private final CacheRestorer restorer;

    CacheRestoredCheck(CacheRestorer restorer) {
        this.restorer = restorer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("dns-cache-restored").status(restorer.restored()).build();
    }
}
