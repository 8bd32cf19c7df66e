package org.securemail.ingest.inspect.dmarc;

import java.net.URI;

/**
 * One {@code rua=} / {@code ruf=} destination (RFC 7489 §6.2, §6.4 {@code dmarc-uri}).
 *
 * @param uri      an absolute URI, {@code mailto:} in practice
 * @param maxBytes the size limit after {@code !}, in bytes; 0 when none was given
 */
public record ReportUri(URI uri, long maxBytes) {
}
