package org.securemail.provisioning.tenant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** JSON bodies of {@code /api/v1/tenants}. */
public final class TenantDtos {

    private TenantDtos() {
    }

    @Schema(example = "{\"name\": \"Example Corp\"}")
    public record CreateTenant(@NotBlank @Size(max = 200) String name) {
    }

    @Schema(example = "{\"name\": \"Example Corporation\", \"version\": 1}")
    public record UpdateTenant(@NotBlank @Size(max = 200) String name, @NotNull Long version) {
    }

    @Schema(example = "{\"id\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"name\": \"Example Corp\", \"createdAt\": \"2026-12-06T10:15:30Z\", \"updatedAt\": \"2026-12-06T10:15:30Z\", \"version\": 1}")
    public record TenantView(UUID id, String name, Instant createdAt, Instant updatedAt, long version) {

        static TenantView of(Tenant t) {
            return new TenantView(t.id, t.name, t.createdAt, t.updatedAt, t.version);
        }
    }
}
