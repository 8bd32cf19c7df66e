package org.securemail.dns.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Serves the defaults of the dns-client channels ({@code META-INF/dns-client-defaults.properties}) so that a service
 * using {@link KafkaDnsResolver} only sets {@code kafka.bootstrap.servers}. A service that has the jar but not the
 * beans ({@code securemail.dns.client.enabled=false}) gets no channel configuration at all, so no orphan channels.
 */
public class DnsClientConfigDefaults implements ConfigSourceFactory {

    static final String RESOURCE = "META-INF/dns-client-defaults.properties";
    static final int ORDINAL = 100;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue enabled = context.getValue(KafkaDnsResolver.ENABLED_PROPERTY);
        if (enabled != null && enabled.getValue() != null && enabled.getValue().trim().equalsIgnoreCase("false")) {
            return List.of();
        }
        return List.of(new MapBackedConfigSource("dns-client defaults", load(), ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static Map<String, String> load() {
        Properties properties = new Properties();
        try (InputStream in = DnsClientConfigDefaults.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        properties.forEach((key, value) -> values.put(key.toString(), value.toString()));
        return values;
    }
}
