package org.securemail.provisioning.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.securemail.common.queue.OperatorAction;

import com.fasterxml.jackson.annotation.JsonInclude;

/** JSON bodies of {@code /api/v1/queue}. */
public final class QueueDtos {

    /** Longest reason an operator may give. */
    public static final int MAX_REASON = 500;

    private QueueDtos() {
    }

    /** Why an operator acts: required, recorded in the audit trail (not sent to senders or tenants). */
    @Schema(example = "{\"reason\": \"example.net answers again after its DNS outage (ticket 4711)\"}")
    public record OperatorReason(
            @NotBlank @Size(max = MAX_REASON) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String reason) {
    }

    /** A recipient waiting in the queue: deferred, or held by an operator. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"queueId\": \"4F2A9C1B7D3E\", \"recipient\": \"bob@example.net\", \"domain\": \"example.net\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"sender\": \"app@example.com\", \"receivedAt\": \"2026-12-06T10:15:30Z\", \"ageSeconds\": 5400, \"attempts\": 3, \"reason\": \"451 4.4.1 connection refused by 192.0.2.25\", \"nextHop\": \"mx1.example.net\", \"lastAttemptAt\": \"2026-12-06T11:20:00Z\", \"nextAttemptAt\": \"2026-12-06T11:40:00Z\", \"held\": false}")
    public record QueuedRecipient(String queueId, String recipient, String domain, UUID tenantId, String sender,
            Instant receivedAt, Long ageSeconds, int attempts, String reason, String nextHop, Instant lastAttemptAt,
            Instant nextAttemptAt, boolean held) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"id\": \"6c3d0a7e-2f1b-4d8e-9a5c-7b1e0f2d3c4a\", \"at\": \"2026-12-06T11:30:00Z\", \"operator\": \"api-key:0b8e7c6d-5a4f-4e3d-9c2b-1a0f9e8d7c6b\", \"action\": \"RETRY_DESTINATION\", \"target\": \"example.net\", \"reason\": \"example.net answers again after its DNS outage (ticket 4711)\"}")
    public record ActionView(UUID id, Instant at, String operator, OperatorAction.Action action, String target,
            String reason, String detail) {

        static ActionView of(OperatorActionRow row) {
            return new ActionView(row.id, row.at, row.operator, row.action, row.target, row.reason, row.detail);
        }
    }

    /** A dead-letter topic: where its records came from and how many it holds now. */
    @Schema(example = "{\"topic\": \"mail.ready.dlq\", \"sourceTopic\": \"mail.ready\", \"partitions\": [{\"partition\": 0, \"startOffset\": 0, \"endOffset\": 3}], \"records\": 3}")
    public record DeadLetterTopic(String topic, String sourceTopic, List<PartitionRange> partitions, long records) {
    }

    /** Every dead-letter topic of the platform. */
    @Schema(example = "{\"items\": [{\"topic\": \"mail.ready.dlq\", \"sourceTopic\": \"mail.ready\", \"partitions\": [{\"partition\": 0, \"startOffset\": 0, \"endOffset\": 3}], \"records\": 3}]}")
    public record DeadLetterTopics(List<DeadLetterTopic> items) {
    }

    public record PartitionRange(int partition, long startOffset, long endOffset) {
    }

    /**
     * One dead-lettered record. {@code reason} and {@code cause} come from the connector's {@code dead-letter-*}
     * headers; {@code valuePreview} is the start of the value as text, {@code size} its full length.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"topic\": \"delivery.events.dlq\", \"partition\": 0, \"offset\": 12, \"timestamp\": \"2026-12-06T10:15:31Z\", \"key\": \"4F2A9C1B7D3E\", \"size\": 212, \"reason\": \"ERROR: value too long for type character varying(320)\", \"sourceTopic\": \"delivery.events\", \"sourcePartition\": 2, \"sourceOffset\": 4711, \"headers\": {\"dead-letter-reason\": \"ERROR: value too long for type character varying(320)\"}, \"valuePreview\": \"{\\\"queueId\\\":\\\"4F2A9C1B7D3E\\\"}\", \"replayed\": false}")
    public record DeadLetterRecord(String topic, int partition, long offset, Instant timestamp, String key, int size,
            String reason, String cause, String sourceTopic, Integer sourcePartition, Long sourceOffset,
            Map<String, String> headers, String valuePreview, boolean replayed) {
    }

    /** A page of one partition of a dead-letter topic; {@code nextOffset} is null at the end. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"items\": [{\"topic\": \"delivery.events.dlq\", \"partition\": 0, \"offset\": 12, \"key\": \"4F2A9C1B7D3E\", \"size\": 212, \"reason\": \"ERROR: value too long\", \"headers\": {}, \"replayed\": false}], \"nextOffset\": 13}")
    public record DeadLetterPage(List<DeadLetterRecord> items, Long nextOffset) {
    }
}
