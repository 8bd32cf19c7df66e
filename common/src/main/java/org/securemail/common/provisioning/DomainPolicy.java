package org.securemail.common.provisioning;

import java.util.List;

/** Inspection policy of a domain. {@code spf} and {@code dmarc} are one of off, tag, reject. */
public record DomainPolicy(String spf, String dmarc, List<String> dnsblZones) {

    public DomainPolicy {
        dnsblZones = dnsblZones == null ? List.of() : List.copyOf(dnsblZones);
    }
}
