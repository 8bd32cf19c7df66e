package org.securemail.delivery.routing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.securemail.common.mail.DomainNames;
import org.securemail.common.provisioning.DomainRecord;

/** The provisioned domains, held in memory from the compacted {@code provisioning.domains} topic. */
public class DomainRoutes {

    private final Map<String, DomainRecord> domains = new ConcurrentHashMap<>();

    /** Applies one record of the compacted topic; a null record (tombstone) removes the domain. */
    public void apply(String domain, DomainRecord record) {
        String key = DomainNames.canonical(domain);
        if (record == null) {
            domains.remove(key);
            return;
        }
        domains.merge(key, record, (old, neu) -> neu.version() >= old.version() ? neu : old);
    }

    /** The inbound relay route of {@code domain}, when it is a provisioned inbound domain with next hops. */
    public Optional<DomainRecord> inboundRoute(String domain) {
        DomainRecord record = domains.get(DomainNames.canonical(domain));
        if (record == null || !record.inboundEnabled() || record.nextHops().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(record);
    }

    public int size() {
        return domains.size();
    }
}
