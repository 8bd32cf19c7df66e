package org.securemail.dns.config;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The benchmark switch {@code dns.protections=false} (outage replay, phase 5): a config source above every other
 * (environment and system properties included, so nothing re-enables a protection) that sets every cap out of reach (no learned limit either),
 * the wait queue and the abandoned hold to nothing (a query frees its upstream slot when we stop waiting for it), and
 * switches the failure cache (RFC 9520) and serve-stale (RFC 8767) off. What remains is a plain forwarding cache with
 * timeouts and failover, which is what the provider's resolvers had. Merging of identical in-flight queries stays: it
 * is not a protection, just not asking twice. With the protections on (the default) it adds nothing.
 */
public class ProtectionsOff implements ConfigSourceFactory {

    static final String SWITCH = "dns.protections";
    /** Above the environment (300) and system properties (400). */
    static final int ORDINAL = 1000;
    /** A cap that is never reached. */
    static final String UNLIMITED = "1000000";

    static final Map<String, String> OVERRIDES = Map.of(
            "dns.limits.total", UNLIMITED,
            "dns.limits.per-upstream", UNLIMITED,
            "dns.limits.per-zone", UNLIMITED,
            "dns.limits.slow-budget", UNLIMITED,
            "dns.limits.adaptive", "false",
            "dns.limits.wait-queue", "0",
            "dns.limits.abandoned-hold", "0ms",
            "dns.cache.failure-initial", "0ms",
            "dns.cache.failure-max", "0ms",
            "dns.cache.max-stale", "0ms");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue protections = context.getValue(SWITCH);
        if (protections == null || protections.getValue() == null
                || !protections.getValue().trim().equalsIgnoreCase("false")) {
            return List.of();
        }
        return List.of(new MapBackedConfigSource("dns protections off (benchmark switch)", OVERRIDES, ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
