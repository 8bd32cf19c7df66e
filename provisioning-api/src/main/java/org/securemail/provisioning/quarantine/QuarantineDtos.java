package org.securemail.provisioning.quarantine;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** JSON bodies of {@code /api/v1/quarantine}. */
public final class QuarantineDtos {

    private QuarantineDtos() {
    }

    /**
     * One quarantined message (for the recipients of one domain; a message to several domains may be held for some
     * and delivered to the others).
     */
    @Schema(example = "{\"id\": \"0b6f...\", \"queueId\": \"2058PsKz18XwZK5rQMx5\", \"sender\": \"ceo@forger.example\","
            + " \"recipients\": [\"cfo@acme.example\"], \"action\": \"REJECT\","
            + " \"reasons\": [\"spf=fail (policy reject)\"], \"state\": \"HELD\"}")
    public record QuarantinedMessage(UUID id, String queueId, UUID tenantId, String sender, List<String> recipients,
            String action, List<String> reasons, long sizeBytes, Instant heldAt, QuarantineState state,
            Instant stateChangedAt) {
    }
}
