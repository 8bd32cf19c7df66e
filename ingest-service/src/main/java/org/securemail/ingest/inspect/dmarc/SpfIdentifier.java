package org.securemail.ingest.inspect.dmarc;

/**
 * What SPF checked and found (RFC 7489 §4.1): the domain SPF evaluated, the RFC5321.MailFrom domain or, for a null
 * reverse path, the HELO identity.
 */
public record SpfIdentifier(String domain, SpfScope scope, AuthResult result) {

    /** Which identity SPF checked (Appendix C {@code SPFDomainScope}). */
    public enum SpfScope {
        MFROM, HELO;

        public String rfcName() {
            return this == MFROM ? "mfrom" : "helo";
        }
    }

    public SpfIdentifier {
        scope = scope == null ? SpfScope.MFROM : scope;
        result = result == null ? AuthResult.NONE : result;
    }

    public static SpfIdentifier mailFrom(String domain, AuthResult result) {
        return new SpfIdentifier(domain, SpfScope.MFROM, result);
    }
}
