package org.securemail.provisioning.domain;

import org.securemail.common.mail.DomainNames;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.provisioning.domain.DomainDtos.DomainView;
import org.securemail.provisioning.domain.DomainDtos.LastCheck;
import org.securemail.provisioning.domain.DomainDtos.VerificationView;
import org.securemail.provisioning.domain.verification.TxtCheck;
import org.securemail.provisioning.policy.PolicyDtos.PolicyView;

/** Entity to wire record ({@code provisioning.domains}) and to API view. */
public final class DomainMapper {

    private DomainMapper() {
    }

    public static DomainRecord toRecord(Domain d) {
        return new DomainRecord(d.name, d.tenantId.toString(), d.inboundEnabled, d.nextHops, d.recipientListOnly,
                d.maxMessageSize, d.outboundAllowed,
                new DomainPolicy(d.spfMode.wire(), d.dmarcMode.wire(), d.dnsblZones), d.version);
    }

    public static DomainView toView(Domain d) {
        return new DomainView(d.id, d.tenantId, d.name, DomainNames.unicode(d.name), d.inboundEnabled, d.nextHops,
                d.recipientListOnly, d.maxMessageSize, d.outboundAllowed, PolicyView.of(d), verification(d), d.version,
                d.createdAt, d.updatedAt);
    }

    static VerificationView verification(Domain d) {
        Verification v = d.verification;
        LastCheck last = v.lastCheckOutcome == null ? null : new LastCheck(v.lastCheckAt, v.lastCheckOutcome, v.lastCheckDetail);
        return new VerificationView(v.state, TxtCheck.recordName(d.name), TxtCheck.recordValue(v.token), v.verifiedBy,
                v.verifiedAt, last, v.nextCheckAt);
    }
}
