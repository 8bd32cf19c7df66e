package org.securemail.provisioning.domain;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import org.securemail.common.provisioning.NextHop;
import org.securemail.provisioning.policy.PolicyMode;
import org.securemail.provisioning.tenant.TenantOwned;

/**
 * A tenant's claim on a mail domain: inbound relay route, outbound permission and inspection policy. It takes effect
 * (is published on {@code provisioning.domains}) only once {@link #verification} is verified.
 */
@Entity
@Table(name = "domain")
public class Domain extends TenantOwned {

    /** A-label, lower case; immutable (it is the key on {@code provisioning.domains}). */
    @Column(nullable = false, updatable = false)
    public String name;

    @Column(name = "inbound_enabled", nullable = false)
    public boolean inboundEnabled;

    @Convert(converter = JsonListConverters.NextHops.class)
    @Column(name = "next_hops", nullable = false)
    public List<NextHop> nextHops;

    @Column(name = "recipient_list_only", nullable = false)
    public boolean recipientListOnly;

    @Column(name = "max_message_size", nullable = false)
    public long maxMessageSize;

    @Column(name = "outbound_allowed", nullable = false)
    public boolean outboundAllowed;

    @Enumerated(EnumType.STRING)
    @Column(name = "spf_mode", nullable = false)
    public PolicyMode spfMode;

    @Enumerated(EnumType.STRING)
    @Column(name = "dmarc_mode", nullable = false)
    public PolicyMode dmarcMode;

    @Convert(converter = JsonListConverters.Strings.class)
    @Column(name = "dnsbl_zones", nullable = false)
    public List<String> dnsblZones;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Embedded
    public Verification verification = new Verification();
}
