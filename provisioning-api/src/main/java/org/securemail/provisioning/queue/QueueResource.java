package org.securemail.provisioning.queue;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.securemail.provisioning.api.Page;
import org.securemail.provisioning.api.PageRequest;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.queue.QueueDtos.ActionView;
import org.securemail.provisioning.queue.QueueDtos.DeadLetterPage;
import org.securemail.provisioning.queue.QueueDtos.OperatorReason;
import org.securemail.provisioning.queue.QueueDtos.QueuedRecipient;

import io.smallrye.mutiny.Uni;

/**
 * Queue operations for operators (issue 16 item 2, ADR 0084). Every endpoint needs an operator key (403 otherwise);
 * every action is answered with its audit record, which {@code GET /api/v1/queue/actions} lists and
 * {@code operator.actions} carries. Commands take effect on every delivery replica through {@code delivery.control}.
 */
@Path("/api/v1/queue")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "queue", description = "Operators: deferred and held mail, retry a destination now, hold, release,"
        + " delete, dead-letter topics and replay, the audit trail")
public class QueueResource {

    @Inject
    QueueService queue;

    @Inject
    DeadLetters deadLetters;

    @Inject
    CurrentCaller current;

    @Inject
    ProvisioningConfig config;

    private Caller operator() {
        Caller caller = current.get();
        caller.requireOperator();
        return caller;
    }

    /**
     * Deferred recipients, and recipients of held messages, ordered by queue id: the reason, next hop and time of the
     * last attempt, the next attempt, the attempts made and the age. {@code domain} is the recipient domain (what
     * delivery schedules by), {@code nextHop} the host of the last attempt, {@code tenantId} the message's tenant.
     */
    @GET
    @Operation(operationId = "listQueuedRecipients",
            summary = "Mail waiting in the queue, by destination domain, next hop or tenant (operators)")
    public Uni<Page<QueuedRecipient>> waiting(@QueryParam("domain") String domain,
            @QueryParam("nextHop") String nextHop, @QueryParam("tenantId") UUID tenantId,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        operator();
        PageRequest page = PageRequest.of(limit, null, config);
        return queue.waiting(domain == null ? null : QueueService.domain(domain, "domain"),
                nextHop == null ? null : QueueService.domain(nextHop, "nextHop"), tenantId, page.limit(),
                cursor == null || cursor.isBlank() ? null : cursor);
    }

    /**
     * Every deferred record for recipients at {@code domain} written before now is due at once on every delivery
     * replica, and a suspension of the destination ends with a probe. What does not answer yet is deferred again.
     */
    @POST
    @Path("destinations/{domain}/retry")
    @APIResponse(responseCode = "202", description = "Sent to every delivery replica; the action's audit record",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ActionView.class)))
    @Operation(operationId = "retryDestinationNow",
            summary = "Retry everything waiting for a destination domain now, without waiting for the retry delay")
    public Uni<RestResponse<ActionView>> retryDestination(@PathParam("domain") String domain,
            @Valid @NotNull OperatorReason body) {
        return queue.retryDestination(operator(), domain, body.reason()).map(QueueResource::accepted);
    }

    @POST
    @Path("messages/{queueId}/hold")
    @APIResponse(responseCode = "202", description = "Sent to every delivery replica; the action's audit record",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ActionView.class)))
    @Operation(operationId = "holdQueuedMessage",
            summary = "Hold a message: no attempt until it is released (409 if held or deleted, or nothing waits)")
    public Uni<RestResponse<ActionView>> hold(@PathParam("queueId") String queueId,
            @Valid @NotNull OperatorReason body) {
        return queue.hold(operator(), queueId, body.reason()).map(QueueResource::accepted);
    }

    @POST
    @Path("messages/{queueId}/release")
    @APIResponse(responseCode = "202", description = "Sent to every delivery replica; the action's audit record",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ActionView.class)))
    @Operation(operationId = "releaseQueuedMessage",
            summary = "Release a held message: it is attempted at once (409 unless held)")
    public Uni<RestResponse<ActionView>> release(@PathParam("queueId") String queueId,
            @Valid @NotNull OperatorReason body) {
        return queue.release(operator(), queueId, body.reason()).map(QueueResource::accepted);
    }

    /**
     * The message's pending recipients bounce with {@code 550 5.7.1} (a BOUNCED delivery event each, and a DSN to the
     * sender where a bounce would send one: authenticated submissions); the reason stays in the audit trail.
     */
    @POST
    @Path("messages/{queueId}/delete")
    @APIResponse(responseCode = "202", description = "Sent to every delivery replica; the action's audit record",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ActionView.class)))
    @Operation(operationId = "deleteQueuedMessage",
            summary = "Delete a queued message: its pending recipients bounce (409 if deleted, or nothing waits)")
    public Uni<RestResponse<ActionView>> delete(@PathParam("queueId") String queueId,
            @Valid @NotNull OperatorReason body) {
        return queue.delete(operator(), queueId, body.reason()).map(QueueResource::accepted);
    }

    /** Newest first; {@code target} is a destination domain, a queue id or {@code <dlq topic>/<partition>/<offset>}. */
    @GET
    @Path("actions")
    @Operation(operationId = "listOperatorActions", summary = "The audit trail of queue operations: who, when, what, why")
    public Uni<Page<ActionView>> actions(@QueryParam("target") String target, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        operator();
        if (target != null && target.length() > 400) {
            throw ApiProblem.badRequest("target is at most 400 characters");
        }
        PageRequest page = PageRequest.of(limit, null, config);
        return queue.actions(target == null || target.isBlank() ? null : target, page.limit(),
                cursor == null || cursor.isBlank() ? null : cursor);
    }

    @GET
    @Path("dead-letters")
    @Operation(operationId = "listDeadLetterTopics",
            summary = "The dead-letter topics, each with its source topic and the offsets it holds")
    public Uni<QueueDtos.DeadLetterTopics> deadLetterTopics() {
        operator();
        return deadLetters.topics();
    }

    /** One partition, from {@code offset} (default: the oldest record kept), at most 20 records a page. */
    @GET
    @Path("dead-letters/{topic}/partitions/{partition}")
    @Operation(operationId = "listDeadLetterRecords",
            summary = "Records of one dead-letter partition with their failure reason and headers, a page at a time")
    public Uni<DeadLetterPage> deadLetterRecords(@PathParam("topic") String topic,
            @PathParam("partition") int partition, @QueryParam("offset") Long offset,
            @QueryParam("limit") Integer limit) {
        operator();
        return deadLetters.records(topic, partition, offset, limit == null ? 10 : limit);
    }

    /** Onto the topic the record was dead-lettered from, never elsewhere; once (409 after that). */
    @POST
    @Path("dead-letters/{topic}/partitions/{partition}/offsets/{offset}/replay")
    @APIResponse(responseCode = "202", description = "Written onto the source topic (acks=all); the action's audit"
            + " record, whose detail says where", content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = ActionView.class)))
    @Operation(operationId = "replayDeadLetterRecord",
            summary = "Replay a dead-letter record onto its source topic after a fix (409 if replayed before)")
    public Uni<RestResponse<ActionView>> replay(@PathParam("topic") String topic,
            @PathParam("partition") int partition, @PathParam("offset") long offset,
            @Valid @NotNull OperatorReason body) {
        return deadLetters.replay(operator(), topic, partition, offset, body.reason()).map(QueueResource::accepted);
    }

    private static RestResponse<ActionView> accepted(ActionView action) {
        return RestResponse.status(RestResponse.Status.ACCEPTED, action);
    }
}
