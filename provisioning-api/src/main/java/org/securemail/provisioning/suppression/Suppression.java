package org.securemail.provisioning.suppression;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import org.securemail.common.provisioning.SuppressionReason;
import org.securemail.provisioning.tenant.TenantOwned;

/** One address of a tenant's suppression list. */
@Entity
@Table(name = "suppression")
public class Suppression extends TenantOwned {

    /** {@code SuppressionRecord.address} form. */
    @Column(nullable = false, updatable = false)
    public String address;

    /** The domain part of {@link #address}. */
    @Column(nullable = false, updatable = false)
    public String domain;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    public SuppressionReason reason;

    /** The bounced message (HARD_BOUNCE only). */
    @Column(name = "queue_id", updatable = false)
    public String queueId;

    /** The next hop's reply (HARD_BOUNCE only). */
    @Column(updatable = false)
    public String reply;
}
