package org.securemail.common.provisioning;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.securemail.common.mail.DomainNames;

/**
 * One address a tenant's submissions may not be sent to, on {@code provisioning.suppressions} keyed by
 * {@link #key()}; a tombstone under that key removes it. The API, the bounce path and ingest compare addresses in the
 * one form {@link #address(String, String)} gives (ADR 0075).
 *
 * @param tenantId owning tenant
 * @param address  the normalised address
 * @param reason   why it is suppressed
 */
public record SuppressionRecord(String tenantId, String address, SuppressionReason reason) {

    /** RFC 5321 §4.5.3.1.1: octets of a local part. */
    public static final int MAX_LOCAL_PART = 64;
    /** RFC 5321 §4.5.3.1.2: octets of a domain. */
    public static final int MAX_DOMAIN = 255;
    /** RFC 5321 §4.5.3.1.3 (a 256-octet path less its angle brackets). */
    public static final int MAX_ADDRESS = 254;

    public String key() {
        return key(tenantId, address);
    }

    /** {@code tenantId/address}: a tenant id is a UUID, so the first {@code /} separates the two. */
    public static String key(String tenantId, String address) {
        return tenantId + "/" + address;
    }

    /**
     * The compared form of {@code localPart@domain}: the local part in lower case (one suppression covers its case
     * variants, as recipient lists do) and the domain as lower-case A-labels ({@link DomainNames#normalise}). Empty
     * when the domain is not a host name or a length limit of RFC 5321 is exceeded.
     */
    public static Optional<String> address(String localPart, String domain) {
        if (localPart == null || localPart.isEmpty() || localPart.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            return Optional.empty();
        }
        return DomainNames.normalise(domain)
                .filter(d -> d.length() <= MAX_DOMAIN)
                .map(d -> localPart.toLowerCase(Locale.ROOT) + "@" + d)
                .filter(a -> a.getBytes(StandardCharsets.UTF_8).length <= MAX_ADDRESS);
    }

    /** {@link #address(String, String)} of {@code local@domain}, split at the last {@code @}. */
    public static Optional<String> address(String address) {
        if (address == null) {
            return Optional.empty();
        }
        int at = address.lastIndexOf('@');
        return at <= 0 ? Optional.empty() : address(address.substring(0, at), address.substring(at + 1));
    }

    /** The domain part of a normalised address. */
    public static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
