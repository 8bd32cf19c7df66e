package org.securemail.provisioning.tracking;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.tracking.TrackingDtos.MessageSummary;
import org.securemail.provisioning.tracking.TrackingDtos.MessageTimeline;
import org.securemail.provisioning.tracking.TrackingDtos.RecipientStatus;
import org.securemail.provisioning.tracking.TrackingService.MessageQuery;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "messages", description = "Message tracking: accepted, then each recipient's attempts and outcome")
public class MessageResource {

    /** The widest queue id tracked (the column's width). */
    public static final int MAX_QUEUE_ID_CHARS = 64;
    /** The longest address searched for (RFC 5321 path limit, the columns' width). */
    public static final int MAX_ADDRESS_CHARS = 320;

    @Inject
    TrackingService tracking;

    @Inject
    CurrentCaller caller;

    @Inject
    ProvisioningConfig config;

    @GET
    @Path("{queueId}")
    @Operation(operationId = "getMessageTimeline", summary = "A message's timeline: acceptance and every delivery attempt per recipient")
    public Uni<MessageTimeline> get(@PathParam("queueId") String queueId) {
        bounded("queueId", queueId, MAX_QUEUE_ID_CHARS);
        return tracking.timeline(caller.get(), queueId);
    }

    /**
     * Newest first. {@code from} (inclusive) and {@code to} (exclusive) are ISO-8601 instants on the accept time;
     * {@code status} matches messages with at least one recipient in that state (QUEUED, DEFERRED, DELIVERED,
     * BOUNCED); {@code tenantId} is for operators.
     */
    @GET
    @Operation(operationId = "searchMessages", summary = "Search messages by sender, recipient or time, a page at a time")
    public Uni<Page<MessageSummary>> search(@QueryParam("sender") String sender,
            @QueryParam("recipient") String recipient, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("status") String status, @QueryParam("tenantId") UUID tenantId,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        bounded("sender", sender, MAX_ADDRESS_CHARS);
        bounded("recipient", recipient, MAX_ADDRESS_CHARS);
        PageRequest page = PageRequest.of(limit, null, config);
        MessageQuery query = new MessageQuery(tenantId, blankToNull(sender), blankToNull(recipient),
                instant("from", from), instant("to", to), status(status), blankToNull(cursor), page.limit());
        return tracking.search(caller.get(), query);
    }

    /** A refusal with the bound in it, before any query (the columns are this wide; a longer text matches nothing). */
    private static void bounded(String name, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiProblem.badRequest(name + " has at most " + max + " characters, got " + value.length());
        }
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(name + " must be an ISO-8601 instant such as 2026-11-28T20:00:00Z");
        }
    }

    private static RecipientStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return RecipientStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("status must be one of QUEUED, DEFERRED, DELIVERED, BOUNCED");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
