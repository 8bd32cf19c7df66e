package org.securemail.common.dns;

/**
 * A lookup request on {@code dns.queries}. The Kafka key is the zone of {@code name}.
 *
 * @param name           the name to resolve, lower case, no trailing dot
 * @param type           record type
 * @param deadlineMillis epoch millis after which the caller no longer waits (the service may drop it)
 */
public record DnsQuery(String name, DnsType type, long deadlineMillis) {
}
