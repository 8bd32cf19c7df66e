package org.securemail.dns.upstream;

/** The response codes the service tells apart. */
public enum Rcode {
    NOERROR, NXDOMAIN, SERVFAIL, REFUSED, OTHER;

    public static Rcode of(int code) {
        return switch (code) {
            case 0 -> NOERROR;
            case 2 -> SERVFAIL;
            case 3 -> NXDOMAIN;
            case 5 -> REFUSED;
            default -> OTHER;
        };
    }
}
