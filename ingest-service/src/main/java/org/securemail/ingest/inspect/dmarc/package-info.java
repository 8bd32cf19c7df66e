/**
 * DMARC (RFC 7489) evaluation as a library: record parsing (§6.3), policy discovery through the DNS service with the
 * organisational-domain fallback (§6.6.3), identifier alignment (§3.1), the disposition with {@code pct} sampling
 * (§6.6.4), the RFC5322.From author domains (§6.6.1) and the data an aggregate report row needs (§7.2, Appendix C).
 *
 * <p>It does not depend on the SPF or DKIM code: their results come in as {@link
 * org.securemail.ingest.inspect.dmarc.SpfIdentifier} and {@link org.securemail.ingest.inspect.dmarc.DkimIdentifier}.
 * The entry point is {@link org.securemail.ingest.inspect.dmarc.DmarcEvaluator}. See {@code docs/inspection-dmarc.md}.
 */
package org.securemail.ingest.inspect.dmarc;
