package org.securemail.provisioning.tenant;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** JSON bodies of {@code /api/v1/tenants}. */
public final class TenantDtos {

    private TenantDtos() {
    }

    public record CreateTenant(@NotBlank @Size(max = 200) String name) {
    }

    public record UpdateTenant(@NotBlank @Size(max = 200) String name, @NotNull Long version) {
    }

    public record TenantView(UUID id, String name, Instant createdAt, Instant updatedAt, long version) {

        static TenantView of(Tenant t) {
            return new TenantView(t.id, t.name, t.createdAt, t.updatedAt, t.version);
        }
    }
}
