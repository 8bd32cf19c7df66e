package org.securemail.ingest.inspect.dmarc;

import java.net.InetAddress;
import java.util.List;

/**
 * What DMARC evaluates for one author domain: the inputs come from the session and the SPF and DKIM checks.
 *
 * @param headerFromDomain   the RFC5322.From domain (see {@link FromHeader#authorDomains})
 * @param source             the connecting client's address (for the aggregate report), may be null
 * @param envelopeFromDomain the RFC5321.MailFrom domain, null or empty for a null reverse path (for the report)
 * @param spf                SPF's result and the domain it authenticated; null when SPF was not checked
 * @param dkim               every DKIM signature's result, passing or not; may be empty
 */
public record DmarcInput(String headerFromDomain, InetAddress source, String envelopeFromDomain, SpfIdentifier spf,
        List<DkimIdentifier> dkim) {

    public DmarcInput {
        dkim = dkim == null ? List.of() : List.copyOf(dkim);
    }

    /** The same message evaluated for another author domain (several From domains, §6.6.1). */
    public DmarcInput withHeaderFrom(String domain) {
        return new DmarcInput(domain, source, envelopeFromDomain, spf, dkim);
    }
}
