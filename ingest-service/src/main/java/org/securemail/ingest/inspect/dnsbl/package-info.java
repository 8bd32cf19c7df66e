/**
 * DNS blocklists (RFC 5782) and forward-confirmed reverse DNS (the {@code iprev} method of RFC 8601 §3) for the
 * inspection stage. {@link org.securemail.ingest.inspect.dnsbl.DnsblChecker} asks every configured zone about the
 * client's address at once and reads the return codes, treating the refusal and error codes of public lists as
 * unknown rather than as listings; {@link org.securemail.ingest.inspect.dnsbl.FcrdnsChecker} checks that a PTR name
 * of the client resolves back to it. Both go through the DNS service with deadlines, are bounded in every count and
 * never fail. See {@code docs/inspection-dnsbl.md}.
 */
package org.securemail.ingest.inspect.dnsbl;
