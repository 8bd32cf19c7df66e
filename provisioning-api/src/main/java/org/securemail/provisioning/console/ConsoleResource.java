package org.securemail.provisioning.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.securemail.provisioning.auth.CurrentCaller;

import io.smallrye.mutiny.Uni;

/**
 * The console's own views (operators only): DNS health and the queues. Deliveries, bounces, message search and the
 * quarantine come from the API's tracking and quarantine endpoints, which the console's pages call directly.
 */
@Path("/api/v1/console")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "console", description = "Views of the operator console (docs/console.md)")
public class ConsoleResource {

    @Inject
    CurrentCaller caller;

    @Inject
    ConsoleDns dns;

    @Inject
    ConsoleQueues queues;

    @GET
    @Path("dns")
    @Operation(operationId = "getConsoleDnsView", summary = "DNS health: each DNS service's upstreams, failing zones and counters")
    public Uni<ConsoleDns.DnsView> dns() {
        caller.get().requireOperator();
        return dns.view();
    }

    @GET
    @Path("queues")
    @Operation(operationId = "getConsoleQueuesView", summary = "The queues: lag per consumer group, deferred mail by destination and reason, the oldest message")
    public Uni<ConsoleQueues.QueuesView> queues() {
        caller.get().requireOperator();
        return queues.view();
    }
}
