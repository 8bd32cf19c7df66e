package org.securemail.provisioning.apikey;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.securemail.provisioning.auth.Role;

/** JSON bodies of {@code /api/v1/api-keys}. */
public final class ApiKeyDtos {

    private ApiKeyDtos() {
    }

    /** @param tenantId required for a TENANT key made by an operator, absent for an OPERATOR key */
    @Schema(example = "{\"role\": \"TENANT\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"description\": \"CI pipeline\"}")
    public record CreateApiKey(@NotNull Role role, UUID tenantId, @Size(max = 200) String description) {
    }

    /** The answer to a create: the only time {@code key} is ever shown. */
    @Schema(example = "{\"id\": \"9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a\", \"key\": \"smk_Zx8Qw2LkP0vR7tYb3nMc9dHs4fJq1aEu6gWo5iXz8\", \"prefix\": \"smk_Zx8Qw2\", \"role\": \"TENANT\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"description\": \"CI pipeline\", \"createdAt\": \"2026-12-06T10:15:30Z\"}")
    public record CreatedApiKey(UUID id, String key, String prefix, Role role, UUID tenantId, String description,
            Instant createdAt) {
    }

    @Schema(example = "{\"id\": \"9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a\", \"prefix\": \"smk_Zx8Qw2\", \"role\": \"TENANT\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"description\": \"CI pipeline\", \"createdAt\": \"2026-12-06T10:15:30Z\"}")
    public record ApiKeyView(UUID id, String prefix, Role role, UUID tenantId, String description, Instant createdAt) {

        static ApiKeyView of(ApiKey k) {
            return new ApiKeyView(k.id, k.keyPrefix, k.role, k.tenantId, k.description, k.createdAt);
        }
    }
}
