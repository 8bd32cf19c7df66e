package org.securemail.delivery.routing;

import java.util.List;

import org.securemail.delivery.smtp.NextHopAddress;

/** Where the recipients of one destination domain go, or why they cannot go anywhere now. */
public sealed interface Route {

    /** Addresses to try in order (MX preference, or provisioned next-hop preference). */
    record Hosts(List<NextHopAddress> hops, boolean provisioned) implements Route {
        public Hosts {
            hops = List.copyOf(hops);
        }
    }

    /** The domain cannot receive mail (NXDOMAIN, null MX, no address): bounce. */
    record Permanent(String reply) implements Route {
    }

    /** The route could not be determined now (DNS timeout, SERVFAIL, BUSY): defer, never bounce. */
    record Temporary(String reply) implements Route {
    }
}
