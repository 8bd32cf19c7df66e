package org.securemail.provisioning.apikey;

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
    public record CreateApiKey(@NotNull Role role, UUID tenantId, @Size(max = 200) String description) {
    }

    /** The answer to a create: the only time {@code key} is ever shown. */
    public record CreatedApiKey(UUID id, String key, String prefix, Role role, UUID tenantId, String description,
            Instant createdAt) {
    }

    public record ApiKeyView(UUID id, String prefix, Role role, UUID tenantId, String description, Instant createdAt) {

        static ApiKeyView of(ApiKey k) {
            return new ApiKeyView(k.id, k.keyPrefix, k.role, k.tenantId, k.description, k.createdAt);
        }
    }
}
