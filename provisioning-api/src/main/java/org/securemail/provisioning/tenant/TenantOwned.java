package org.securemail.provisioning.tenant;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

/**
 * The columns every row a tenant owns has: its id, the owning tenant (every repository query filters on it, ADR
 * 0044), when it was created, and the optimistic-lock version.
 */
@MappedSuperclass
public abstract class TenantOwned {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public UUID tenantId;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Version
    public long version;
}
