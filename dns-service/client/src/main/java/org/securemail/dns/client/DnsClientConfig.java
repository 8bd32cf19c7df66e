package org.securemail.dns.client;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The settings of the DNS client, under {@code securemail.dns.client}; the channel settings come from
 * {@link DnsClientConfigDefaults}.
 */
@ConfigMapping(prefix = "securemail.dns.client")
public interface DnsClientConfig {

    /**
     * Whether the client's beans and channels exist ({@link KafkaDnsResolver#ENABLED_PROPERTY}). It is fixed at build
     * time ({@code @IfBuildProperty}); it is listed here so the prefix has one owner.
     */
    @WithDefault("true")
    boolean enabled();

    LocalCache localCache();

    interface LocalCache {

        /** Most answers the in-process copy of {@code dns.cache} keeps before it evicts the least recently used. */
        @WithDefault("100000")
        long maxEntries();
    }
}
