package org.securemail.provisioning.smtpuser;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.securemail.provisioning.tenant.TenantOwned;

/** A submission user of a tenant. The password exists only as a bcrypt hash. */
@Entity
@Table(name = "smtp_user")
public class SmtpUser extends TenantOwned {

    /** Lower case; immutable (it is the key on {@code provisioning.users}). */
    @Column(nullable = false, updatable = false)
    public String username;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
