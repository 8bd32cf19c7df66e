package org.securemail.provisioning.recipient;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** JSON bodies of {@code /api/v1/domains/{domainId}/recipients}. */
public final class RecipientDtos {

    /** RFC 5321 dot-string local part. */
    public static final String LOCAL_PART = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";

    private RecipientDtos() {
    }

    /** @param localPart the part before {@code @}; stored in lower case */
    @Schema(example = "{\"localPart\": \"alice\"}")
    public record CreateRecipient(
            @NotBlank @Size(max = 64) @Pattern(regexp = LOCAL_PART, message = "must be an RFC 5321 dot-string") String localPart) {
    }

    @Schema(example = "{\"id\": \"5c4b3a29-1807-4f6e-8d5c-4b3a29180716\", \"domainId\": \"7a41c3d2-5e6f-4a8b-9c0d-1e2f3a4b5c6d\", \"localPart\": \"alice\", \"address\": \"alice@example.com\", \"createdAt\": \"2026-12-06T10:15:30Z\"}")
    public record RecipientView(UUID id, UUID domainId, String localPart, String address, Instant createdAt) {
    }
}
