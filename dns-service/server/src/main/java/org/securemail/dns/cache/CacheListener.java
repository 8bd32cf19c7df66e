package org.securemail.dns.cache;

import org.securemail.common.dns.DnsCacheEntry;

/** Told about every change of the cache that did not come from the shared topic itself (to publish it there). */
public interface CacheListener {

    void stored(DnsCacheEntry entry);

    void evicted(String key);

    CacheListener NONE = new CacheListener() {
        @Override
        public void stored(DnsCacheEntry entry) {
        }

        @Override
        public void evicted(String key) {
        }
    };
}
