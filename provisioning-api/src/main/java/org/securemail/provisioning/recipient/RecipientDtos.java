package org.securemail.provisioning.recipient;

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
    public record CreateRecipient(
            @NotBlank @Size(max = 64) @Pattern(regexp = LOCAL_PART, message = "must be an RFC 5321 dot-string") String localPart) {
    }

    public record RecipientView(UUID id, UUID domainId, String localPart, String address, Instant createdAt) {
    }
}
