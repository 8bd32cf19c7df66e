package org.securemail.ingest.inspect.spf;

import org.securemail.ingest.inspect.net.IpAddress;

/**
 * The values the macro letters stand for (RFC 7208 §7.3) at one point of a check.
 *
 * @param sender        {@code s}: the sender, {@code local-part@domain}
 * @param localPart     {@code l}: its local-part ({@code postmaster} when it had none)
 * @param senderDomain  {@code o}: its domain
 * @param domain        {@code d}: the current {@code <domain>} (changes with include and redirect)
 * @param client        {@code i}, {@code c}, {@code v}: the SMTP client's address
 * @param helo          {@code h}: the HELO/EHLO domain as given
 * @param validatedName {@code p}: the validated domain name of the client, {@code unknown} when there is none
 * @param receiver      {@code r}: the host doing the check, {@code unknown} when not configured
 * @param timestamp     {@code t}: seconds since the epoch when the check started
 */
record MacroContext(String sender, String localPart, String senderDomain, String domain, IpAddress client,
        String helo, String validatedName, String receiver, long timestamp) {

    static final String UNKNOWN = "unknown";

    MacroContext withDomain(String newDomain) {
        return new MacroContext(sender, localPart, senderDomain, newDomain, client, helo, validatedName, receiver,
                timestamp);
    }

    MacroContext withValidatedName(String name) {
        return new MacroContext(sender, localPart, senderDomain, domain, client, helo, name, receiver, timestamp);
    }
}
