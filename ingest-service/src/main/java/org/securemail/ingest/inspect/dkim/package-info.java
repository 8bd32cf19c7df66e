/**
 * DKIM verification (RFC 6376, RFC 8463 ed25519-sha256, RFC 8301 algorithm and key-size rules) as a library for the
 * inspection stage (issue 14 item 3). Entry point: {@link org.securemail.ingest.inspect.dkim.DkimVerifier}; key
 * lookups go through {@link org.securemail.dns.client.DnsResolver} with a deadline. See docs/inspection-dkim.md.
 */
package org.securemail.ingest.inspect.dkim;
