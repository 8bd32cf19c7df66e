package org.securemail.common.provisioning;

import java.util.List;

/**
 * A provisioned domain, published on {@code provisioning.domains} keyed by {@code name}.
 *
 * @param name               A-label, lower case
 * @param tenantId           owning tenant
 * @param inboundEnabled     accept mail for this domain on the MX listener and relay it
 * @param nextHops           where inbound mail goes, by preference
 * @param recipientListOnly  true: only listed local parts are accepted ({@code provisioning.recipients})
 * @param maxMessageSize     bytes, 0 for the platform default
 * @param outboundAllowed    the tenant's users may send with this domain in MAIL FROM
 * @param policy             inspection policy
 * @param version            optimistic-lock version of the source row, increasing
 */
public record DomainRecord(
        String name,
        String tenantId,
        boolean inboundEnabled,
        List<NextHop> nextHops,
        boolean recipientListOnly,
        long maxMessageSize,
        boolean outboundAllowed,
        DomainPolicy policy,
        long version) {

    public DomainRecord {
        nextHops = nextHops == null ? List.of() : List.copyOf(nextHops);
    }
}
