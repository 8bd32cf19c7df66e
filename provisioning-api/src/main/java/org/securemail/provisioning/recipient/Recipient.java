package org.securemail.provisioning.recipient;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;


/** One accepted local part of a recipient-list domain. */
@Entity
@Table(name = "recipient")
public class Recipient {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(name = "domain_id", nullable = false)
    public UUID domainId;

    /** Lower case. */
    @Column(name = "local_part", nullable = false)
    public String localPart;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Version
    public long version;
}
