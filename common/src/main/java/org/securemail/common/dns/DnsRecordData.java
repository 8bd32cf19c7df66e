package org.securemail.common.dns;

/**
 * One resource record in presentation form.
 *
 * @param name owner name, absolute, lower case, without the trailing dot
 * @param type record type
 * @param ttl  remaining TTL in seconds at the time the answer was produced
 * @param data RDATA in presentation format (e.g. {@code "10 mx1.example.net"} for MX)
 */
public record DnsRecordData(String name, DnsType type, long ttl, String data) {
}
