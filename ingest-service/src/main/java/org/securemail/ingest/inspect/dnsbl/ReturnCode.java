package org.securemail.ingest.inspect.dnsbl;

/**
 * One A record of a blocklist answer, read.
 *
 * @param code    the record's data as given (trimmed; bounded in length), or the address in dotted decimal
 * @param kind    what it means
 * @param meaning a short explanation for operators
 */
public record ReturnCode(String code, Kind kind, String meaning) {

    /** The kinds of return code. */
    public enum Kind {
        /** A listing: a code in 127.0.0.0/8 that is no refusal, among the zone's codes (or any, if none given). */
        LISTING,
        /** A listing code the zone is not used for (a PBL code when only SBL codes are configured). */
        OTHER_LISTING,
        /** A refusal or error code of the list (127.0.0.1, 127.255.255.0/24, 127.0.1.255): no data at all. */
        REFUSAL,
        /** Not a DNSBL return code: not an IPv4 address, or one outside 127.0.0.0/8. */
        NOT_A_CODE
    }
}
