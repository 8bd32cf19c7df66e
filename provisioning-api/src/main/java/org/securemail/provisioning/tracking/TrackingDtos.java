package org.securemail.provisioning.tracking;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** JSON bodies of {@code /api/v1/messages}. */
public final class TrackingDtos {

    private TrackingDtos() {
    }

    /** Where a recipient stands: no attempt yet, deferred (will retry), or final. */
    public enum RecipientStatus {
        QUEUED, DEFERRED, DELIVERED, BOUNCED
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(int attempt, String outcome, String remoteHost, String reply, Instant nextAttemptAt,
            Instant at) {
    }

    public record RecipientTrack(String recipient, RecipientStatus status, int attempts, List<Attempt> history) {
    }

    /** One line of a message's timeline: ACCEPTED, then DELIVERED / DEFERRED / BOUNCED per recipient attempt. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TimelineEntry(Instant at, String event, String recipient, Integer attempt, String remoteHost,
            String reply) {
    }

    public record MessageTimeline(String queueId, UUID tenantId, String sender, String direction, String clientIp,
            long size, Instant receivedAt, List<RecipientTrack> recipients, List<TimelineEntry> timeline) {
    }

    public record RecipientSummary(String recipient, RecipientStatus status, int attempts) {
    }

    public record MessageSummary(String queueId, UUID tenantId, String sender, String direction, long size,
            Instant receivedAt, List<RecipientSummary> recipients) {
    }
}
