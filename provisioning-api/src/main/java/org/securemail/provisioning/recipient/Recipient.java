package org.securemail.provisioning.recipient;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.securemail.provisioning.tenant.TenantOwned;

/** One accepted local part of a recipient-list domain. */
@Entity
@Table(name = "recipient")
public class Recipient extends TenantOwned {

    @Column(name = "domain_id", nullable = false)
    public UUID domainId;

    /** Lower case. */
    @Column(name = "local_part", nullable = false)
    public String localPart;
}
