package org.securemail.provisioning.suppression;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.common.provisioning.SuppressionRecord;

import com.fasterxml.jackson.annotation.JsonInclude;

/** JSON bodies of {@code /api/v1/suppressions}. */
public final class SuppressionDtos {

    private SuppressionDtos() {
    }

    /**
     * @param tenantId required with an operator key; a tenant key may omit it (its own tenant)
     * @param address  {@code local@domain}: an RFC 5321 dot-string local part of at most 64 octets and a host name;
     *                 stored with the local part in lower case and the domain as A-labels
     */
    @Schema(example = "{\"address\": \"bob@example.net\"}")
    public record CreateSuppression(UUID tenantId,
            @NotBlank @Size(max = SuppressionRecord.MAX_ADDRESS) String address) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = "{\"id\": \"0b8e7c6d-5a4f-4e3d-9c2b-1a0f9e8d7c6b\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"address\": \"bob@example.net\", \"domain\": \"example.net\", \"reason\": \"HARD_BOUNCE\", \"queueId\": \"4F2A9C1B7D3E\", \"reply\": \"550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown\", \"createdAt\": \"2026-12-06T10:15:31Z\"}")
    public record SuppressionView(UUID id, UUID tenantId, String address, String domain, SuppressionReason reason,
            String queueId, String reply, Instant createdAt) {

        static SuppressionView of(Suppression s) {
            return new SuppressionView(s.id, s.tenantId, s.address, s.domain, s.reason, s.queueId, s.reply, s.createdAt);
        }
    }
}
