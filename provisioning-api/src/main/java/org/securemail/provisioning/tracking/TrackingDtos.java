package org.securemail.provisioning.tracking;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.securemail.common.mail.InspectionSummary;

/** JSON bodies of {@code /api/v1/messages}. */
public final class TrackingDtos {

    private TrackingDtos() {
    }

    /** Where a recipient stands: no attempt yet, deferred (will retry), or final. */
    public enum RecipientStatus {
        QUEUED, DEFERRED, DELIVERED, BOUNCED
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"attempt\": 1, \"outcome\": \"DELIVERED\", \"remoteHost\": \"mx1.example.net\", \"reply\": \"250 2.0.0 Ok: queued as 4QxYz\", \"at\": \"2026-12-06T10:15:31Z\"}")
    public record Attempt(int attempt, String outcome, String remoteHost, String reply, Instant nextAttemptAt,
            Instant at) {
    }

    @Schema(example = "{\"recipient\": \"bob@example.net\", \"status\": \"DELIVERED\", \"attempts\": 1, \"history\": [{\"attempt\": 1, \"outcome\": \"DELIVERED\", \"remoteHost\": \"mx1.example.net\", \"reply\": \"250 2.0.0 Ok: queued as 4QxYz\", \"at\": \"2026-12-06T10:15:31Z\"}]}")
    public record RecipientTrack(String recipient, RecipientStatus status, int attempts, List<Attempt> history) {
    }

    /**
     * One line of a message's timeline: ACCEPTED; INSPECTED, QUARANTINED or REJECTED with each check's result in
     * {@code checks} (inbound mail; {@code attempt} is the number of passes, more than 1 when DNS made it wait, and
     * {@code reply} what decided a hold); then DELIVERED / DEFERRED / BOUNCED per recipient attempt.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"at\": \"2026-12-06T10:15:31Z\", \"event\": \"DELIVERED\", \"recipient\": \"bob@example.net\", \"attempt\": 1, \"remoteHost\": \"mx1.example.net\", \"reply\": \"250 2.0.0 Ok: queued as 4QxYz\"}")
    public record TimelineEntry(Instant at, String event, String recipient, Integer attempt, String remoteHost,
            String reply, List<InspectionSummary.Check> checks) {
    }

    @Schema(example = "{\"queueId\": \"4F2A9C1B7D3E\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"sender\": \"app@example.com\", \"direction\": \"OUTBOUND\", \"clientIp\": \"192.0.2.10\", \"size\": 2048, \"receivedAt\": \"2026-12-06T10:15:30Z\", \"recipients\": [{\"recipient\": \"bob@example.net\", \"status\": \"DELIVERED\", \"attempts\": 1, \"history\": []}], \"timeline\": [{\"at\": \"2026-12-06T10:15:30Z\", \"event\": \"ACCEPTED\"}, {\"at\": \"2026-12-06T10:15:31Z\", \"event\": \"DELIVERED\", \"recipient\": \"bob@example.net\", \"attempt\": 1, \"remoteHost\": \"mx1.example.net\", \"reply\": \"250 2.0.0 Ok: queued as 4QxYz\"}]}")
    public record MessageTimeline(String queueId, UUID tenantId, String sender, String direction, String clientIp,
            long size, Instant receivedAt, List<RecipientTrack> recipients, List<TimelineEntry> timeline) {
    }

    @Schema(example = "{\"recipient\": \"bob@example.net\", \"status\": \"DELIVERED\", \"attempts\": 1}")
    public record RecipientSummary(String recipient, RecipientStatus status, int attempts) {
    }

    @Schema(example = "{\"queueId\": \"4F2A9C1B7D3E\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"sender\": \"app@example.com\", \"direction\": \"OUTBOUND\", \"size\": 2048, \"receivedAt\": \"2026-12-06T10:15:30Z\", \"recipients\": [{\"recipient\": \"bob@example.net\", \"status\": \"DELIVERED\", \"attempts\": 1}]}")
    public record MessageSummary(String queueId, UUID tenantId, String sender, String direction, long size,
            Instant receivedAt, List<RecipientSummary> recipients) {
    }
}
