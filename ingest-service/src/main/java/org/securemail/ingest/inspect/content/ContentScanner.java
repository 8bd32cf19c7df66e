package org.securemail.ingest.inspect.content;

import io.smallrye.mutiny.Uni;

/**
 * The port to a content scanner (spam, phishing, test patterns). Implementations never fail the {@link Uni}: every
 * problem (scanner down, slow, busy, a reply it cannot read) is a {@link ScanVerdict} with
 * {@link ScanVerdict.Action#SCAN_FAILED}, and a message too large to scan is {@link ScanVerdict.Action#SKIPPED}.
 */
public interface ContentScanner {

    Uni<ScanVerdict> scan(ScanRequest request);
}
