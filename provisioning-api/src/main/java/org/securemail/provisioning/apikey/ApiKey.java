package org.securemail.provisioning.apikey;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.securemail.provisioning.auth.Role;

/** An API key: only its SHA-256 is stored. Operator keys have no tenant. */
@Entity
@Table(name = "api_key")
public class ApiKey {

    @Id
    public UUID id;

    @Column(name = "key_hash", nullable = false, updatable = false)
    public String keyHash;

    @Column(name = "key_prefix", nullable = false, updatable = false)
    public String keyPrefix;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    public Role role;

    @Column(name = "tenant_id", updatable = false)
    public UUID tenantId;

    public String description;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Version
    public long version;
}
